"""How each event changes the running-total tables (awards, units, funds, clauses, caps, equity, history).

A fold is a function of one event and the page: it reads only the event and
its aggregate's recorded dimensions (``origin``), never the clock and never
the tables, so a replay computes exactly what the live run did.
"""

from __future__ import annotations

from collections.abc import Callable

from ledger.money import format_yuan
from ledger.values import CATEGORIES, GRADES, KINDS, MODES, NEGATIVE_LIST, ROLES, UNIT_TYPES, format_stake

from .page import Event, Page
from .project_words import PROJECT_DETAILS

Fold = Callable[[Event, Page], None]
FOLDS: dict[str, list[Fold]] = {}


def on(*names: str) -> Callable[[Fold], Fold]:
    def register(fn: Fold) -> Fold:
        for name in names:
            FOLDS.setdefault(name, []).append(fn)
        return fn

    return register


def handled_in(module: str) -> frozenset[str]:
    """The events that some fold defined in ``module`` is registered for (``@on``)."""
    return frozenset(name for name, folds in FOLDS.items() if any(f.__module__ == module for f in folds))


# -- origins: what later events need to know about their aggregate -------------


def origin_of(**dims: object) -> dict:
    return {"kind": None, "key": None, "unit": None, "clause": None, "fund": None, "year": None, **dims}


def originate(e: Event, page: Page, **dims: object) -> None:
    origin = origin_of(**dims)
    page.origins.remember(e.originator_id, origin)
    page.put("origins", (e.originator_id,), **{k: v for k, v in origin.items() if v is not None})


ORIGINATE: dict[str, Callable[[Event], dict]] = {
    "Installation.Initialised": lambda e: {"kind": "installation", "key": "installation"},
    "Actor.Registered": lambda e: {"kind": "actor", "key": e.data["name"]},
    "Fund.Created": lambda e: {"kind": "fund", "key": e.data["code"], "fund": e.data["code"]},
    "FundYear.Opened": lambda e: {
        "kind": "fund-year",
        "key": f"{e.data['fund']}:{e.data['year']}",
        "fund": e.data["fund"],
        "year": e.data["year"],
    },
    "Unit.Registered": lambda e: {"kind": "unit", "key": e.data["code"], "unit": e.data["code"]},
    "UnitCap.Opened": lambda e: {
        "kind": "cap",
        "key": e.data["period"],
        "unit": e.data["unit"],
        "clause": e.data["group"],
    },
    "Grant.Submitted": lambda e: {
        "kind": "grant",
        "key": e.data["ref"],
        "unit": e.data["unit"],
        "clause": e.data["clause"],
    },
    "Voucher.Issued": lambda e: {"kind": "voucher", "key": e.data["number"]},
    "Period.Opened": lambda e: {
        "kind": "period",
        "key": f"{e.data['fund']}:{e.data['year']}",
        "fund": e.data["fund"],
        "year": e.data["year"],
    },
    "Seal.Written": lambda e: {"kind": "seal", "key": str(e.data["position"])},
    "Project.Opened": lambda e: {
        "kind": "project",
        "key": e.data["ref"],
        "unit": e.data["unit"],
        "clause": e.data["clause"],
        "fund": e.data["fund"],
        "year": e.data["year"],
    },
}
# Aggregates whose first event is their only one (a voucher number is issued once): no later event asks for
# their origin and no reader does, so it is not stored — a voucher per payment made these 338k of the 406k
# origins rows at 900k events (issue 20); migration 0021 removes the ones stored before.
UNSTORED = {"Voucher.Issued"}


@on("Grant.Awarded")
def _award_dims(e: Event, page: Page) -> None:
    decision = e.data["decision"]
    originate(e, page, **{**e.origin, "fund": decision["fund"], "year": decision["year"]})
    e.origin = page.origins.get(e.originator_id)


# -- awards, units, clauses, funds: who got what -------------------------------


def _ref(e: Event) -> str:
    return e.origin["key"]


def _paid(e: Event, page: Page, amount: int) -> None:
    """Money reaching the unit (or leaving it again, when negative) under this award."""
    o = e.origin
    page.add("awards", (o["key"],), disbursed=amount)
    page.add("units", (o["unit"],), disbursed=amount)
    page.add("clause_totals", (o["clause"], o["year"]), disbursed=amount)
    page.add("funds", (o["fund"], o["year"]), disbursed=amount)


@on("Grant.Submitted")
def _submitted(e: Event, page: Page) -> None:
    d = e.data
    page.put(
        "awards",
        (d["ref"],),
        unit=d["unit"],
        clause=d["clause"],
        status="submitted",
        applied_on=d["on"],
        submitted_seq=e.seq,
    )
    page.add("awards", (d["ref"],), asked=d["asked"])
    page.add("units", (d["unit"],), applications=1)


@on("Grant.Evaluated")
def _evaluated(e: Event, page: Page) -> None:
    page.put("awards", (_ref(e),), status="evaluated", grade=e.data["grade"])


@on("Grant.Rejected")
def _rejected(e: Event, page: Page) -> None:
    page.put("awards", (_ref(e),), status="rejected")


@on("Grant.Awarded")
def _awarded(e: Event, page: Page) -> None:
    d, o = e.data["decision"], e.origin
    page.put(
        "awards",
        (_ref(e),),
        status="awarded",
        fund=d["fund"],
        fiscal_year=d["year"],
        mode=d["mode"],
        doc=d["doc"],
        exception_doc=d["exception_doc"],
        awarded_on=e.on,
    )
    page.add("awards", (_ref(e),), awarded=d["amount"])
    page.add("units", (o["unit"],), awarded=d["amount"])
    page.add("clause_totals", (o["clause"], d["year"]), count=1, awarded=d["amount"])


@on("Grant.Disbursed", "Grant.Invested")
def _disbursed(e: Event, page: Page) -> None:
    if e.data["held"]:
        page.add("awards", (_ref(e),), pending=e.data["amount"])
    else:
        _paid(e, page, e.data["amount"])


@on("Grant.Approved")
def _approved(e: Event, page: Page) -> None:
    page.add("awards", (_ref(e),), pending=-e.data["amount"])
    _paid(e, page, e.data["amount"])


@on("Grant.Voided")
def _voided(e: Event, page: Page) -> None:
    page.add("awards", (_ref(e),), pending=-e.data["amount"])


@on("Grant.Spent")
def _spent(e: Event, page: Page) -> None:
    page.add("awards", (_ref(e),), spent=e.data["amount"])
    page.add("units", (e.origin["unit"],), spent=e.data["amount"])


@on("Grant.Recovered")
def _recovered(e: Event, page: Page) -> None:
    page.add("awards", (_ref(e),), recovered=e.data["amount"])
    page.add("units", (e.origin["unit"],), recovered=e.data["amount"])


@on("Grant.Reversed")
def _reversed(e: Event, page: Page) -> None:
    kind, amount = e.data["kind"], e.data["amount"]
    if kind == "disbursement":
        _paid(e, page, -amount)
    else:
        column = "spent" if kind == "expenditure" else "recovered"
        page.add("awards", (_ref(e),), **{column: -amount})
        page.add("units", (e.origin["unit"],), **{column: -amount})


@on("Unit.Registered")
def _unit(e: Event, page: Page) -> None:
    page.put(
        "units",
        (e.data["code"],),
        name=e.data["name"],
        type=e.data["type"],
        registered_on=e.on,
        registered_seq=e.seq,
    )


@on("Fund.Created")
def _fund(e: Event, page: Page) -> None:
    d = e.data
    page.put("fund_names", (d["code"],), name=d["name"], threshold=d["threshold"], city=d.get("city"))
    page.put("fund_names", (d["code"],), clauses=",".join(d["clauses"]) if d.get("clauses") else None)


@on("Fund.Scoped")
def _fund_scoped(e: Event, page: Page) -> None:
    d = e.data
    page.put("fund_names", (e.origin["key"],), city=d["city"], clauses=",".join(d["clauses"]) if d["clauses"] else "")


@on("FundYear.Opened")
def _fund_year(e: Event, page: Page) -> None:
    page.add("funds", (e.data["fund"], e.data["year"]), appropriated=0)


def _fund_key(e: Event) -> tuple:
    return (e.origin["fund"], e.origin["year"])


@on("FundYear.Appropriated")
def _appropriated(e: Event, page: Page) -> None:
    page.add("funds", _fund_key(e), appropriated=e.data["amount"])


@on("FundYear.Committed")
def _committed(e: Event, page: Page) -> None:
    page.add("funds", _fund_key(e), committed=e.data["amount"])


@on("FundYear.Returned")
def _returned(e: Event, page: Page) -> None:
    page.add("funds", _fund_key(e), returned=e.data["amount"])


@on("FundYear.ReturnReversed")
def _return_reversed(e: Event, page: Page) -> None:
    page.add("funds", _fund_key(e), returned=-e.data["amount"])


@on("Period.Closed")
def _closed(e: Event, page: Page) -> None:
    page.add("funds", (e.origin["fund"], e.origin["year"] + 1), carried_forward=e.data["figures"]["carried_forward"])


@on("Period.Reopened")
def _reopened(e: Event, page: Page) -> None:
    page.add("funds", (e.origin["fund"], e.origin["year"] + 1), carried_forward=-e.data["carried_forward"])


# -- caps -------------------------------------------------------------------------


@on("UnitCap.Opened")
def _cap_opened(e: Event, page: Page) -> None:
    d = e.data
    page.put("caps", (d["unit"], d["group"], d["period"]), cap=d["cap"])
    page.add("caps", (d["unit"], d["group"], d["period"]), used=0)


@on("UnitCap.Used")
def _cap_used(e: Event, page: Page) -> None:
    o = e.origin
    page.add("caps", (o["unit"], o["clause"], o["key"]), used=e.data["amount"], awards=1)
    if o["key"] not in ("once", "life"):  # a yearly cap group (a platform's lifetime total is not one)
        page.put("awards", (e.data["ref"],), cap_group=o["clause"])


@on("UnitCap.Carried")
def _cap_carried(e: Event, page: Page) -> None:
    """A platform's lifetime total opened on a first-edition ledger counts the awards made before it."""
    o = e.origin
    page.add("caps", (o["unit"], o["clause"], o["key"]), used=e.data["amount"], awards=len(e.data["refs"]))


# -- equity -------------------------------------------------------------------------


def _holding(e: Event, page: Page, **totals: int) -> None:
    page.put("equity", (_ref(e),), unit=e.origin["unit"])
    page.add("equity", (_ref(e),), **totals)


@on("Grant.Invested")
def _invested(e: Event, page: Page) -> None:
    if not e.data["held"]:
        _holding(e, page, invested=e.data["amount"], cost=e.data["amount"], stake=e.data["stake"])


@on("Grant.Approved")
def _investment_approved(e: Event, page: Page) -> None:
    if e.data["kind"] == "investment":
        _holding(e, page, invested=e.data["amount"], cost=e.data["amount"], stake=e.data["stake"])


@on("Grant.Converted")
def _converted(e: Event, page: Page) -> None:
    d = e.data
    _holding(e, page, invested=d["cost"], cost=d["cost"], stake=d["stake"], converted=d["stake"])


@on("Grant.Exited")
def _exited(e: Event, page: Page) -> None:
    d = e.data
    _holding(
        e, page, stake=-d["stake"], cost=-d["cost"], exited_stake=d["stake"], proceeds=d["proceeds"], gain=d["gain"]
    )


@on("Grant.WrittenOff")
def _written_off(e: Event, page: Page) -> None:
    d = e.data
    _holding(e, page, stake=-d["stake"], cost=-d["cost"], written_off=d["cost"])


# -- history: which keys each event is about ------------------------------------------


def history_keys(e: Event) -> set[str]:
    o, d = e.origin, e.data
    keys = {o["key"]} if o.get("kind") in ("grant", "unit", "fund", "voucher", "actor", "project") else set()
    if o.get("kind") in ("fund-year", "period"):
        keys.add(o["fund"])
    if o.get("kind") == "cap":
        keys.add(o["unit"])
    if d.get("voucher"):  # a closeout with nothing to recover has none
        keys.add(d["voucher"])
    if e.name == "Grant.Awarded":
        keys.add(d["decision"]["fund"])
    if e.name == "Grant.Recharged":  # 调整资金来源: both funds' histories show it
        keys |= {d["from_fund"], d["to_fund"]}
    if e.name == "Actor.RoleGranted":
        keys.add(o["key"])
    if e.name in DOC_EVENTS:  # a correction's or a re-charge's document: its whole life under its number
        keys.add(d["doc"])
    return keys


# The events a correction's or a re-charge's document number (``cancel-award`` … ``recharge --doc``) is the key
# of: the proposal, its approval or withdrawal, and what the approval released; a closeout's settlement too.
DOC_EVENTS = frozenset(
    {
        "Grant.CorrectionProposed",
        "Grant.CorrectionWithdrawn",
        "Grant.AwardCancelled",
        "Grant.AwardReduced",
        "Grant.ApplicationCorrected",
        "Grant.Reevaluated",
        "Grant.RechargeProposed",
        "Grant.RechargeWithdrawn",
        "Grant.Recharged",
        "FundYear.Released",
        "UnitCap.Released",
        "Grant.Settled",
        "Project.Closed",
    }
)


# -- history: what each event says, in words a clerk reads ------------------------------

# (field, label, vocabulary): the details shown, in this order, when the event has them.
_DETAILS = (
    ("clause", "条款", None),
    ("grade", "等级", GRADES),
    ("score", "评分", None),
    ("fund", "资金", None),
    ("mode", "方式", MODES),
    ("doc", "文号", None),
    ("award_doc", "原批复文号", None),
    ("from_fund", "原资金", None),  # 调整资金来源
    ("to_fund", "改由资金", None),
    ("exception_doc", "例外文号", None),
    ("category", "类别", {**CATEGORIES, **NEGATIVE_LIST}),
    ("kind", "类型", KINDS),
    ("name", "名称", None),
    ("type", "类型", UNIT_TYPES),
    ("role", "角色", ROLES),
    ("reason", "理由", None),
    *PROJECT_DETAILS,
)
_AMOUNTS = ("amount", "asked", "proceeds", "cost", "released")


def history_details(e: Event) -> tuple[int | None, str | None, str | None]:
    """The money (分) an event moved, its voucher, and a short detail text (category, reason, grade, doc…)."""
    d = e.data
    decision = d.get("decision")
    if decision:
        d = {**d, **decision}
    amount = None
    for k in _AMOUNTS:
        value = d.get(k)
        if type(value) is int:  # not a bool, not None
            amount = value
            break
    voucher = d.get("voucher") or (d.get("number") if e.name == "Voucher.Issued" else None)
    parts = []
    for field, label, words in _DETAILS:
        value = d.get(field)
        if value is None or value == "" or (field == "name" and e.name == "Actor.Registered"):
            continue
        parts.append(f"{label} {words.get(value, value) if words else value}")
    stake = d.get("stake")
    if type(stake) is int and stake:
        parts.append(f"股权 {format_stake(stake)}%")
    if d.get("held"):
        parts.append("待审批")
    if e.name == "Grant.Exited":
        parts.append(f"损益 {format_yuan(d['gain'])}")
    return amount, voucher, "; ".join(parts)[:400] or None


@on("Unit.Renamed")
def _unit_renamed(e: Event, page: Page) -> None:
    page.put("units", (e.origin["unit"],), name=e.data["name"])


# Where each declared event (``ledger.vocabulary``) stands with the folds of this module; every event also gets its
# ``history`` row, whatever it is. ``tests/unit/test_vocabulary.py`` fails on an event in neither set; an entry
# ``Aggregate.*`` ignores every event of an aggregate no fold here reads.
# Issue 24's corrections and held equity acts: folded into every read model (awards, funds, caps, the journal,
# the held acts) by ``projections.corrections``, which declares them; the other fold modules leave them to it.
FOLDED_BY_CORRECTIONS = frozenset(
    {
        "Grant.CorrectionProposed",
        "Grant.CorrectionWithdrawn",
        "Grant.AwardCancelled",
        "Grant.AwardReduced",
        "Grant.ApplicationCorrected",
        "Grant.Reevaluated",
        "Grant.EquityActHeld",
        "Grant.EquityActApproved",
        "Grant.EquityActVoided",
        "FundYear.Released",
        "UnitCap.Released",
    }
)
# The closeout's settlement and re-charges (issue 24): folded by ``projections.settlements``.
FOLDED_BY_CORRECTIONS |= {"Grant.Settled", "Grant.RechargeProposed", "Grant.RechargeWithdrawn", "Grant.Recharged"}
HANDLES = (
    handled_in(__name__)
    | frozenset(ORIGINATE)
    | {"Actor.RoleGranted", "Grant.Exited"}  # + history_keys/details
    # the projects read model (projections.projects, issue 24) and the history; budget moves: the history only
    | {"Project.Contracted", "Project.MilestoneRecorded", "Project.Extended", "Project.Closed"}
    | {"Project.BudgetAdjusted"}
)
IGNORES = FOLDED_BY_CORRECTIONS | frozenset(
    {
        "Actor.KeyBound",
        "Actor.KeyRotated",
        "Actor.RoleRevoked",
        "Installation.SigningBegan",
        "KeyBinding.*",
        "Period.ReopenProposed",
        "Period.ReopenWithdrawn",
        "PolicyRegister.*",
        "Unit.Placed",
    }
)
