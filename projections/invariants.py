"""Verify vouches for the business, not only the bytes: invariants 1–3 re-checked by folding the events.

This fold is deliberately independent of the aggregates (``ledger/``), of the
command handlers and of the read models: it reads each stored event's JSON and
keeps a few integers per award, fund-year and cap. A hash-valid event that no
command would have accepted (a 500万 disbursement on a 200万 award written
straight into the table, or an award committed on a forged snapshot's word)
breaks an invariant here, and ``verify`` names the first event that does.

1. Per award: 0 ≤ spent + recovered ≤ disbursed ≤ disbursed + pending ≤ awarded; and, as ``Grant`` checks it,
   on every effective date: what the unit held (paid − spent − recovered, each by its own date; a held payment
   from its approval's date, a reversal from its own) never falls below zero.
2. Per fund and year: committed ≤ appropriated + returned.
3. Per unit, cap group and year: used ≤ cap. A lifetime total (a platform clause) may go above its cap by
   exactly what 一事一议 documents lifted: the ``lift`` each Used event records (third edition). A Used event
   recorded before the field existed is accepted above its cap only for an award that carried an exception
   document, by the excess of that award and no more. Awards carried into a total by ``init`` (``UnitCap.Carried``:
   decided before the total was kept) may stand above its cap when they are exactly what those awards stand at
   here; nothing recorded after them may add to it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ledger.ids import key_id
from ledger.money import format_human

from . import finding_words as words
from .decoding import loads

GRANT_TOPICS = {
    "Grant.Submitted",
    "Grant.Awarded",
    "Grant.Disbursed",
    "Grant.Invested",
    "Grant.Approved",
    "Grant.Voided",
    "Grant.Spent",
    "Grant.Recovered",
    "Grant.Reversed",
    "Grant.AwardCancelled",
    "Grant.AwardReduced",
    "Grant.Settled",
}
FUND_TOPICS = {"FundYear.Opened", "FundYear.Appropriated", "FundYear.Committed", "FundYear.Returned"}
FUND_TOPICS |= {"FundYear.ReturnReversed", "FundYear.Released"}
CAP_TOPICS = {"UnitCap.Opened", "UnitCap.Used", "UnitCap.Carried", "UnitCap.Released"}
PERIOD_WORDS = {"life": "累计", "once": "一次性"}  # a cap's period in a finding (else its year)
WATCHED = GRANT_TOPICS | FUND_TOPICS | CAP_TOPICS
# Where each declared event (``ledger.vocabulary``) stands with this fold (tests/unit/test_vocabulary.py).
HANDLES = WATCHED
IGNORES = frozenset(
    {
        "Project.*",  # a project's acts move no money (a closeout's 追回 is a Grant.Recovered)
        "Actor.*",
        "Fund.*",
        "Grant.Converted",
        "Grant.Evaluated",
        "Grant.Exited",
        "Grant.Rejected",
        "Grant.WrittenOff",
        "Grant.CorrectionProposed",
        "Grant.CorrectionWithdrawn",
        "Grant.ApplicationCorrected",
        "Grant.Reevaluated",
        "Grant.EquityActHeld",
        "Grant.EquityActApproved",
        "Grant.EquityActVoided",
        "Grant.RechargeProposed",  # a re-charge moves the commitment by FundYear.Released and Committed
        "Grant.RechargeWithdrawn",
        "Grant.Recharged",
        "Installation.*",
        "KeyBinding.*",
        "Period.*",
        "PolicyRegister.*",
        "Seal.*",
        "Unit.*",
        "Voucher.*",
    }
)


class InvariantCheck:
    def __init__(self, limit: int = 20_000) -> None:
        self.awards = Spilled(
            lambda: {"ref": "?", "awarded": 0, "paid": 0, "pending": 0, "spent": 0, "recovered": 0}, limit
        )
        self.funds = Spilled(lambda: {"name": "?", "appropriated": 0, "returned": 0, "committed": 0}, limit)
        self.caps = Spilled(lambda: {"name": "?", "cap": None, "used": 0, "lifted": 0}, limit)
        self.excepted: set[str] = set()  # refs of awards that carried an exception document (rare)
        self.finding: str | None = None

    def snapshot(self, sections: Any) -> dict:
        """What the fold has learnt, for a verify snapshot (``projections.resume``; its maps go to ``sections``)."""
        from .resume import encode_fields

        return encode_fields(self, sections)

    @classmethod
    def from_snapshot(cls, fields: dict, sections: Any) -> InvariantCheck:
        from .resume import decode_fields

        check = cls()
        decode_fields(check, fields, sections)
        return check

    def event(self, seq: int, name: str, state: bytes, originator: bytes, data: Any = None) -> str | None:
        """Fold one event (``data``: its JSON already decoded); returns a finding the first time an invariant
        breaks."""
        if self.finding is not None or name not in WATCHED:
            return None
        d = loads(state) if data is None else data
        kind = name.partition(".")[0]
        if kind == "Grant":
            if name == "Grant.Awarded" and (d.get("decision") or {}).get("exception_doc"):
                self.excepted.add(self.awards[originator]["ref"])
            problem = self._grant(name, d, self.awards[originator])
        elif kind == "FundYear":
            problem = self._fund(name, d, self.funds[originator])
        else:
            problem = self._cap(name, d, self.caps[originator])
        if problem:
            self.finding = f"{words.event(seq, name)} 破坏了{problem}"
        return self.finding

    @staticmethod
    def _grant(name: str, d: dict, a: dict) -> str | None:
        if name == "Grant.Submitted":
            a["ref"] = d.get("ref", "?")
            return None
        if name == "Grant.Awarded":
            a["awarded"] = int(d["decision"]["amount"])
        elif name in ("Grant.Disbursed", "Grant.Invested"):
            amount = int(d["amount"])
            a["pending" if d.get("held") else "paid"] += amount
        elif name == "Grant.Approved":
            a["pending"] -= int(d["amount"])
            a["paid"] += int(d["amount"])
        elif name == "Grant.Voided":
            a["pending"] -= int(d["amount"])
        elif name == "Grant.Spent":
            a["spent"] += int(d["amount"])
        elif name == "Grant.Recovered":
            a["recovered"] += int(d["amount"])
        elif name == "Grant.AwardCancelled":
            a["awarded"] = 0
        elif name == "Grant.AwardReduced":
            a["awarded"] = int(d["after"])
        elif name == "Grant.Settled":  # 结算 at closeout: the award stands at what was paid
            a["awarded"] -= int(d["amount"])
        elif name == "Grant.Reversed":
            field = {"disbursement": "paid", "expenditure": "spent", "recovery": "recovered"}.get(d.get("kind"))
            if field:
                a[field] -= int(d["amount"])
        used = a["spent"] + a["recovered"]
        if not (0 <= used <= a["paid"] <= a["paid"] + a["pending"] <= a["awarded"] and a["pending"] >= 0):
            return (
                f"不变量 1 (申报 {a['ref']}): 已支出 {format_human(a['spent'])} + 已追回 "
                f"{format_human(a['recovered'])} ≤ 已拨付 {format_human(a['paid'])} ≤ 已拨付 + 待审批 "
                f"{format_human(a['paid'] + a['pending'])} ≤ 批复金额 {format_human(a['awarded'])} 不再成立"
            )
        flow = _held_change(name, d)
        if flow is None:
            return None
        flows = a.setdefault("flows", {})
        flows[flow[0]] = flows.get(flow[0], 0) + flow[1]
        short = _first_short_day(flows)
        if short is None:
            return None
        return (
            f"不变量 1 (申报 {a['ref']}, 业务日期 {short[0]}): 单位持有 "
            f"{format_human(short[1])} (截至该日, 已支出 + 已追回超过了已拨付)"
        )

    @staticmethod
    def _fund(name: str, d: dict, f: dict) -> str | None:
        if name == "FundYear.Opened":
            f["name"] = f"{d.get('fund')} {d.get('year')}"
            return None
        field, sign = {
            "FundYear.Appropriated": ("appropriated", 1),
            "FundYear.Committed": ("committed", 1),
            "FundYear.Returned": ("returned", 1),
            "FundYear.ReturnReversed": ("returned", -1),
            "FundYear.Released": ("committed", -1),
        }[name]
        f[field] += sign * int(d["amount"])
        if f["committed"] <= f["appropriated"] + f["returned"]:
            return None
        return (
            f"不变量 2 (资金 {f['name']}): 已承诺 {format_human(f['committed'])} > 预算 "
            f"{format_human(f['appropriated'])} + 收回 {format_human(f['returned'])}"
        )

    def _carried_as_awarded(self, d: dict) -> bool:
        """A Carried event's amount is the sum of what its refs stand awarded at (each named once)."""
        refs = d.get("refs")
        if not isinstance(refs, list) or len(set(map(str, refs))) != len(refs):
            return False
        awarded = sum(int(self.awards[key_id("application", ref).bytes]["awarded"]) for ref in refs)
        return awarded == int(d["amount"])

    def _cap(self, name: str, d: dict, c: dict) -> str | None:
        if name == "UnitCap.Opened":
            period = PERIOD_WORDS.get(d.get("period"), d.get("period"))
            c["name"], c["cap"] = f"{d.get('unit')} {d.get('group')} {period}", d.get("cap")
            c["life"] = d.get("period") == "life"
            return None
        # Used, or Carried: awards made before the limit was kept (issue 28); Released: given back (issue 24)
        amount = (-1 if name == "UnitCap.Released" else 1) * int(d["amount"])
        before = c["used"]
        c["used"] += amount
        lift = d.get("lift")
        if name == "UnitCap.Carried" and c["cap"] is not None and self._carried_as_awarded(d):
            # awards decided before the limit was kept (``init`` carries them in): history, never re-decided; what
            # they took above the cap stands — if they are exactly what this fold has those awards at — and
            # nothing after them may add to it
            cap = int(c["cap"])
            c["carried_over"] = c.get("carried_over", 0) + max(c["used"] - cap, 0) - max(before - cap, 0)
        elif name == "UnitCap.Released" and c.get("carried_over"):  # given back: the carried excess shrinks with it
            c["carried_over"] = min(c["carried_over"], max(c["used"] - int(c["cap"]), 0))
        elif lift is not None:
            c["lifted"] = c.get("lifted", 0) + int(lift["amount"])
        elif (
            name != "UnitCap.Released"
            and "lift" not in d
            and c.get("life")
            and c["cap"] is not None
            and d.get("ref") in self.excepted
        ):
            # recorded before the lift was: the award's exception document lifted what this use took above the cap
            cap = int(c["cap"])
            c["lifted"] = c.get("lifted", 0) + max(c["used"] - cap, 0) - max(before - cap, 0)
        if c["cap"] is None or c["used"] <= int(c["cap"]) + c.get("lifted", 0) + c.get("carried_over", 0):
            return None
        lifted = f" + 放宽 {format_human(c['lifted'])} (一事一议)" if c.get("lifted") else ""
        if c.get("carried_over"):
            lifted += f" + 既往超出 {format_human(c['carried_over'])} (开始记上限之前的批复)"
        return (
            f"不变量 3 (上限 {c['name']}): 已用 {format_human(c['used'])} > 上限 {format_human(int(c['cap']))}{lifted}"
        )


def _held_change(name: str, d: dict) -> tuple[str, int] | None:
    """(effective date, change of the money the unit holds) of a grant event, as ``Grant.flows`` records it
    (``None``: no change, or no date to place it on)."""
    if not isinstance(d.get("on"), str):
        return None
    if name in ("Grant.Disbursed", "Grant.Invested"):
        return None if d.get("held") else (d["on"], int(d["amount"]))
    if name == "Grant.Approved":
        return d["on"], int(d["amount"])
    if name in ("Grant.Spent", "Grant.Recovered"):
        return d["on"], -int(d["amount"])
    if name == "Grant.Reversed":
        sign = {"disbursement": -1, "expenditure": 1, "recovery": 1}.get(d.get("kind"))
        return (d["on"], sign * int(d["amount"])) if sign else None
    return None


def _first_short_day(flows: dict[str, int]) -> tuple[str, int] | None:
    """The first effective date at whose end the running balance of ``flows`` is below zero, and that balance."""
    balance = 0
    for day in sorted(flows):
        balance += flows[day]
        if balance < 0:
            return day, balance
    return None


class Spilled:
    """Each aggregate's few integers, the ``limit`` most recently used in memory and the rest in a private
    temporary SQLite file, so verify's memory stays flat however many awards the log holds (an award's
    events come close together, so a spilled one is seldom asked for again)."""

    def __init__(self, default: Callable[[], dict[str, Any]], limit: int) -> None:
        self.default, self.limit = default, limit
        self.hot: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
        self.cold: sqlite3.Connection | None = None
        self.pending: Any = {}  # restored from a verify snapshot (key → encoded state), decoded when first asked for
        self.decode: Callable[[Any], dict[str, Any]] | None = None

    def __getitem__(self, key: bytes) -> dict[str, Any]:
        state = self.hot.get(key)
        if state is not None:
            self.hot.move_to_end(key)
            return state
        state = self._load(key) or self.default()
        self.hot[key] = state
        if len(self.hot) > self.limit:
            self._spill()
        return state

    def _spill(self) -> None:
        if self.cold is None:
            self.cold = sqlite3.connect("")  # "": a private on-disk file SQLite deletes when it is closed
            self.cold.execute("PRAGMA journal_mode=OFF")
            self.cold.execute("PRAGMA synchronous=OFF")
            self.cold.execute("CREATE TABLE state (key BLOB PRIMARY KEY, value TEXT NOT NULL)")
        out = [self.hot.popitem(last=False) for _ in range(len(self.hot) - self.limit // 2)]
        self.cold.executemany("INSERT OR REPLACE INTO state VALUES (?, ?)", [(k, json.dumps(v)) for k, v in out])

    def items(self) -> list[tuple[bytes, dict[str, Any]]]:
        """Every (key, state), hot and cold, sorted by key (a verify snapshot, ``projections.resume``)."""
        found: dict[bytes, dict[str, Any]] = {k: self.decode(v) for k, v in self.pending.items()} if self.decode else {}
        if self.cold is not None:
            found.update((bytes(k), json.loads(v)) for k, v in self.cold.execute("SELECT key, value FROM state"))
        found.update(self.hot)
        return sorted(found.items())

    def load_items(self, items, decode: Callable[[Any], dict[str, Any]]) -> None:
        """Start from ``items`` (keys, and states as a snapshot encoded them): each state decoded only when the
        fold first asks for it, so resuming costs little however many aggregates the log holds."""
        self.pending, self.decode = (items if hasattr(items, "pop") else dict(items)), decode

    def _load(self, key: bytes) -> dict[str, Any] | None:
        if self.pending:
            encoded = self.pending.pop(key, None)
            if encoded is not None:
                return self.decode(encoded)
        if self.cold is None:
            return None
        row = self.cold.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None
