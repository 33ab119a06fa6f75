"""A unit's limits across applications, re-derived from the awards themselves (not from the ``UnitCap`` events).

At each award the re-decision knows, from the awards before it (less what approved cancellations and
reductions gave back), what the unit has used under the clause as the catalogue stood then:

- a yearly cap (``annual_cap``, per cap group and fiscal year): used + this award ≤ the cap;
- once per unit (``once_per_unit``): no other live award under the clause's record (``shares``: every clause
  keeping the same record counts);
- once a year or per N-year cycle (``once_per``): no other live award under a clause of the record whose
  year is less than N years from this one;
- a platform clause's lifetime total: the unit's awards naming no platform under the record, plus those of a
  clause of the record from before it shared it, plus (for an award naming one) the named platform's own
  total, never above the clause's lifetime maximum, unless a 一事一议 clause's exception document lifts it.

The ``UnitCap`` and ``FundYear.Released`` events are then only what they must be: written by the command
that justifies them. Each is matched at the end of its signed range (one command, or one batch group):
``UnitCap.Opened/Used/Carried`` with an award of that range (a Used with that award's REF and amount), a
``UnitCap.Released`` or ``FundYear.Released`` with a cancellation or reduction approved, as the re-decision
found it, in that range (REF, document and amount). Another act that gives back a commitment (a closeout's
settlement) adds ``"REF DOC" → amount`` to ``State.range_releases`` where it is re-decided.
A kind of limit is re-checked from the point the ledger began keeping it: the first ``UnitCap.Opened`` of that
kind in the log (a yearly cap, a once-only mark, a once-a-year mark, a lifetime total). Before it, the edition
that wrote the log did not keep that limit (the first edition had no platform totals; the second edition
carries the earlier awards in when it opens one), and history is not re-decided by a later edition's data.
Unsigned history (before signing began) is not re-checked against derived limits either.
"""

from __future__ import annotations

from typing import Any

from ledger import clauses
from ledger.dates import year_of
from ledger.ids import key_id

from .. import finding_words
from .act import Act, yuan
from .state import State

FIELDS = {
    "UnitCap.Opened": {"unit": str, "group": str, "period": str},
    "UnitCap.Used": {"ref": str, "amount": int},
    "UnitCap.Carried": {"amount": int},
    "UnitCap.Released": {"ref": str, "amount": int, "doc": str},
    "FundYear.Released": {"ref": str, "amount": int, "doc": str},
}
_MEMBERS: dict[tuple[int, str], tuple[Any, tuple[clauses.Clause, ...]]] = {}


def members(catalogue: clauses.Catalogue, clause: clauses.Clause) -> tuple[clauses.Clause, ...]:
    """Every clause of the catalogue keeping a unit's record under the same key as ``clause`` (itself too)."""
    key = (id(catalogue), clause.record)
    cached = _MEMBERS.get(key)
    if cached is None or cached[0] is not catalogue:
        if len(_MEMBERS) > 256:
            _MEMBERS.clear()
        cached = (catalogue, tuple(c for c in catalogue if c.record == clause.record) or (clause,))
        _MEMBERS[key] = cached
    return cached[1]


def counted(a: Act, g: dict, clause: clauses.Clause | None, decision: dict, check: bool) -> None:
    """Count an award against the unit's limits; with ``check``, name each limit it goes beyond first."""
    if clause is None or not (clause.annual_cap or clause.once_per_unit or clause.once_per or clause.platform):
        return
    amount, ref, year = decision["amount"], g["ref"], year_of(a.on)
    kept_kinds = a.state.kept
    usage = a.state.usage[(g["unit"] or "?").encode()]
    kept: dict[str, Any] = {}
    of = f"单位 {g['unit']} 在条款 {clause.id} 下"
    if clause.annual_cap is not None:
        key = f"{clause.cap_group}|{year}"
        used = usage["year"].get(key, 0)
        if check and "year" in kept_kinds and used + amount > clause.annual_cap:
            a.fail(
                "批复不得超出单位年度上限",
                f"{of} {year} 年已获 {yuan(used)} (上限组 {clause.cap_group}), 年度上限 {yuan(clause.annual_cap)}; "
                f"申报 {ref} 批复 {yuan(amount)}, 超出 {yuan(used + amount - clause.annual_cap)}",
            )
        usage["year"][key] = used + amount
        kept["year"] = key
    group = members(a.state.catalogue, clause)
    if clause.once_per_unit:
        taken = next((r for m in group for r in usage["once"].get(m.id, ()) if r != ref), None)
        if check and "once" in kept_kinds and taken is not None:
            shared = f" (与 {clause.record} 共用记录)" if clause.shares else ""
            a.fail("每单位仅限一次", f"{of}已获批复 (申报 {taken}){shared}, 申报 {ref} 又批复 {yuan(amount)}")
        usage["once"].setdefault(clause.record, []).append(ref)
        kept["once"] = clause.record
    every = clause.once_every
    if every is not None:
        taken = next(
            ((r, y) for m in group for r, y in usage["marks"].get(m.id, ()) if r != ref and abs(y - year) < every),
            None,
        )
        if check and "mark" in kept_kinds and taken is not None:
            rule = "每单位每年仅限一次" if every == 1 else f"每单位每 {every} 年仅限一次"
            a.fail(rule, f"{of} {taken[1]} 年已获批复 (申报 {taken[0]}), 申报 {ref} 又于 {year} 年批复")
        usage["marks"].setdefault(clause.id, []).append([ref, year])
        kept["mark"] = clause.id
    lifetime = clause.lifetime_max(g["unit_type"])
    if lifetime is not None:
        platform = decision.get("platform")
        others = sum(usage["life"].get(m.id, 0) for m in group if m.platform and m.id != clause.record)
        unnamed = usage["life"].get(clause.record, 0)
        key = clause.record if platform is None else f"{clause.record}|{platform}"
        used = unnamed + others + (usage["life"].get(key, 0) if platform is not None else 0)
        lifted = clause.case_by_case and bool(decision.get("exception_doc"))
        if check and "life" in kept_kinds and not lifted and used + amount > lifetime:
            which = f"平台 {platform}" if platform is not None else "未注明平台的奖励"
            a.fail(
                "平台类条款累计不得超过最高额",
                f"{of}按{which}累计已获 {yuan(used)}, 累计最高 {yuan(lifetime)}; 申报 {ref} 批复 {yuan(amount)}, "
                f"超出 {yuan(used + amount - lifetime)}",
            )
        usage["life"][key] = usage["life"].get(key, 0) + amount
        kept["life"] = key
    g["counted"] = kept


def release(state: State, g: dict, amount: int, whole: bool) -> None:
    """Give back what an award held (撤销批复: ``whole``, its once-only marks too; 调减: ``amount`` of it)."""
    kept = g.get("counted")
    if not kept:
        return
    usage = state.usage[(g["unit"] or "?").encode()]
    for kind in ("year", "life"):
        if kind in kept:
            usage[kind][kept[kind]] = usage[kind].get(kept[kind], 0) - amount
    if whole:
        if "once" in kept:
            usage["once"][kept["once"]] = [r for r in usage["once"].get(kept["once"], ()) if r != g["ref"]]
        if "mark" in kept:
            usage["marks"][kept["mark"]] = [m for m in usage["marks"].get(kept["mark"], ()) if m[0] != g["ref"]]
        g["counted"] = {}


def kind_of(d: dict) -> str:
    """Which kind of limit a ``UnitCap.Opened`` keeps: a yearly cap, a lifetime total, a once-a-year mark or a
    once-only mark."""
    period = str(d["period"])
    if period == "life":
        return "life"
    if period.isdigit():
        return "year"
    return "mark" if "/year/" in str(d["group"]) else "once"


def limit_event(a: Act) -> None:
    """A ``UnitCap`` or ``FundYear.Released`` event: matched at the end of its signed range (``end_of_range``)."""
    if a.name == "UnitCap.Opened":
        a.state.kept.add(kind_of(a.data))
    if a.key is not None:
        a.state.range_limits.append((a.seq, a.name, a.data, a.originator))


def end_of_range(state: State) -> list[str]:
    """Findings for the limit events of the signed range just ended that nothing in it justifies."""
    findings = []
    # ``init`` (and ``policy load``) carry awards recorded before a limit was kept into it, in a range of their own
    # (ledger/handlers/upgrade.py): justified when what is carried is exactly what those awards stand at.
    carried = set()
    if not state.range_awards:
        carried = {o[0] for _, n, d, *o in state.range_limits if n == "UnitCap.Carried" and o and as_awarded(state, d)}
    for seq, name, d, *originator in state.range_limits:
        problem = None
        if name in ("UnitCap.Released", "FundYear.Released"):
            given = state.range_releases.get(f"{d['ref']} {d['doc']}")
            if given is None:
                problem = (
                    "释放额度须有已审批的撤销或调减",
                    f"申报 {d['ref']} 被释放 {yuan(d['amount'])} (文号 {d['doc']}), "
                    "同一操作中没有经审批生效的撤销或调减",
                )
            elif given != d["amount"]:
                problem = (
                    "释放额度须等于撤销或调减的金额",
                    f"申报 {d['ref']} 文号 {d['doc']} 撤销或调减 {yuan(given)}, 却释放 {yuan(d['amount'])}",
                )
        elif name in ("FundYear.Returned", "FundYear.ReturnReversed"):
            key = d["voucher"] if name == "FundYear.Returned" else f"冲正 {d['voucher']}"
            back = state.range_money.get(key)
            if back != d["amount"]:
                shown = "同一操作中没有这笔追回、退出或冲正" if back is None else f"凭证金额为 {yuan(back)}"
                problem = (
                    "收回资金须来自同一操作中的追回、股权退出或其冲正",
                    f"资金年度记收回 {yuan(d['amount'])} (凭证 {d['voucher']}, 申报 {d.get('ref', '?')}), {shown}",
                )
        elif name == "UnitCap.Used":
            awarded = state.range_awards.get(d["ref"])
            if awarded != d["amount"]:
                shown = "同一操作中没有它的批复" if awarded is None else f"批复金额为 {yuan(awarded)}"
                problem = ("额度的使用须来自同一操作中的批复", f"申报 {d['ref']} 用去 {yuan(d['amount'])}, {shown}")
        elif not state.range_awards and originator and originator[0] in carried:
            pass  # an upgrade's total or mark, opened and carrying awards as they stand
        elif not state.range_awards or (name == "UnitCap.Carried" and d["amount"] < 0):
            problem = ("额度记录须来自同一操作中的批复", "同一操作中没有批复")
        if problem is not None:
            findings.append(f"{finding_words.event(seq, name)} 违反「{problem[0]}」: {problem[1]}")
    state.range_limits.clear()
    state.range_awards.clear()
    state.range_releases.clear()
    state.range_money.clear()
    return findings


def as_awarded(state: State, d: dict) -> bool:
    """A ``UnitCap.Carried``'s refs are distinct live awards and its amount is what they stand awarded at."""
    refs = d.get("refs")
    if not isinstance(refs, list) or not refs or len(set(map(str, refs))) != len(refs):
        return False
    total = 0
    for ref in refs:
        award = state.grants[key_id("application", str(ref)).bytes].get("award")
        if not award:
            return False
        total += int(award["amount"])
    return total == d["amount"]


RULES = dict.fromkeys(FIELDS, limit_event)
