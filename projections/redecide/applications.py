"""Applications and awards, re-decided against the catalogue as it stood then (shipped + documents loaded so far).

- 申报 (apply) is a clerk's act, for a registered unit of the type it names, under a clause of the catalogue
  that was issued, in force on the application date and not superseded then, for that unit type;
- 评审 (evaluate, reject) is a reviewer's act, after the application;
- 批复 (award) is a clerk's act, after an evaluation that did not fail, in an open year of an existing fund,
  within what the clause allows for that unit type, grade and base (its maximum, fixed amount, grade table,
  ratio), in a mode the clause allows, and within the fund's budget for that year
  (appropriated + returned − committed, less what approved cancellations and reductions released), and
  within the unit's limits re-derived from its awards (``caps``: yearly cap, once per unit, once a year or
  cycle, a platform clause's lifetime total).
"""

from __future__ import annotations

from ledger import clauses
from ledger.dates import year_of
from ledger.values import GRADES

from . import caps, projects
from .act import Act, yuan

NONE = type(None)
FIELDS = {
    "Unit.Registered": {"code": str, "type": str},
    "PolicyRegister.Loaded": {"text": str, "file_name": str, "sha256": str, "actor": str, "on": str},
    "Grant.Submitted": {
        "ref": str,
        "unit": str,
        "unit_type": str,
        "clause": str,
        "asked": int,
        "base": (int, NONE),
        "actor": str,
        "on": str,
    },
    "Grant.Evaluated": {"grade": str, "on": str},
    "Grant.Rejected": {"reason": str, "on": str},
    "Grant.Awarded": {"decision": dict, "on": str},
}
DECISION = {"amount": int, "fund": str, "mode": str, "doc": str}


def unit_registered(a: Act) -> None:
    if a.needs({"clerk"}, "登记单位"):
        a.state.units[a.data["code"].encode()]["type"] = a.data["type"]


def unit_changed(a: Act) -> None:
    a.needs({"clerk"}, "单位信息变更")


def policy_opened(a: Act) -> None:
    a.needs(set(), "载入政策文件")


def policy_loaded(a: Act) -> None:
    d = a.data
    if not a.needs(set(), "载入政策文件"):
        return
    try:
        loaded = clauses.read(d["text"], d["file_name"], clauses.Origin(d["actor"], d["on"], d["sha256"]))
        a.state.catalogue = a.state.catalogue.with_document(loaded)
    except clauses.CatalogueError as exc:
        a.fail("政策文件须能按当时的目录载入", f"{d['file_name']}: {exc}")


def _in_force(a: Act, clause: clauses.Clause, day: str, what: str) -> bool:
    """Issued, in force on ``day`` and not superseded then. Only for clauses of loaded documents: the log holds
    their text, so the catalogue as it stood then is known. A shipped clause's dates and status are the
    package's data, corrected between editions (the second edition's 细则 dates, the announced talent
    policy); the log does not record which edition decided an event, and history is never re-decided by a
    later edition's data."""
    if clause.document.sha256 is None:
        return True
    if clause.status == "announced":
        a.fail("只宣布未印发的政策不能申报", f"{what}依据的条款 {clause.id}「{clause.title}」尚未印发")
        return False
    if day < clause.effective_from or (clause.effective_to is not None and day > clause.effective_to):
        window = f"{clause.effective_from} 至 {clause.effective_to or '长期'}"
        a.fail("条款须在有效期内", f"条款 {clause.id} 有效期为 {window}, {what}日期 {day} 不在其中")
        return False
    later = [s.successor for s in clause.superseded_by if s.on <= day and (s.until is None or day <= s.until)]
    if later:
        a.fail("被取代的条款不能再用", f"条款 {clause.id} 在 {day} 已由 {'、'.join(later)} 取代")
        return False
    return True


def _eligible(clause: clauses.Clause, unit_type: str) -> bool:
    allowed = clause.unit_types
    if allowed is None and clause.fixed_by_unit_type is not None:
        allowed = tuple(clause.fixed_by_unit_type)
    return allowed is None or unit_type in allowed


def submitted(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    g.update(
        ref=d["ref"], unit=d["unit"], unit_type=d["unit_type"], clause=d["clause"], asked=d["asked"], base=d["base"]
    )
    g.update(applied_on=d["on"], status="submitted")
    if not a.needs({"clerk"}, "申报"):
        return
    clause = a.state.catalogue.get(d["clause"])
    registered = a.state.units[d["unit"].encode()]["type"]
    if clause is None:
        a.fail("申报须依据当时政策目录中的条款", f"申报 {d['ref']} 依据的条款 {d['clause']} 不在当时的目录中")
    elif registered is None:
        a.fail("申报单位须已登记", f"申报 {d['ref']} 的单位 {d['unit']} 未登记")
    elif registered != d["unit_type"]:
        a.fail("申报单位类型须与登记相符", f"申报 {d['ref']} 写明单位类型 {d['unit_type']}, 登记为 {registered}")
    elif _in_force(a, clause, d["on"], "申报") and not _eligible(clause, d["unit_type"]) and clause.document.sha256:
        a.fail("条款只适用于规定的单位类型", f"条款 {clause.id} 不适用于{d['unit_type']}类单位 (申报 {d['ref']})")


def evaluated(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    if a.needs({"reviewer"}, "评审"):
        if d["grade"] not in GRADES:
            a.fail("评估等级须是规定的等级", f"申报 {g['ref']} 的等级 {d['grade']!r} 不存在")
        elif g["status"] not in ("submitted", "evaluated") or (
            g["status"] == "evaluated" and not (g["grade"] == "fail" and d["grade"] == "repass")
        ):
            a.fail("评审只能针对待评审的申报", f"申报 {g['ref']} 当时状态为 {g['status']}")
        else:
            a.not_before(d["on"], g["applied_on"], "评审", "申报", g["ref"])
    g.update(status="evaluated", grade=d["grade"], evaluated_on=d["on"])


def rejected(a: Act) -> None:
    g = a.state.grants[a.originator]
    if a.needs({"reviewer"}, "驳回") and g["status"] == "awarded":
        a.fail("已批复的申报不能驳回", f"申报 {g['ref']} 已批复")
    g["status"] = "rejected"


def clause_ceiling(clause: clauses.Clause, unit_type: str, grade: str | None, base: int | None) -> int | None:
    """The most one award under ``clause`` may be: the least of its maximum, fixed amounts, grade and ratio."""
    amounts = [x for x in (clause.max, clause.fixed) if x is not None]
    if clause.fixed_by_unit_type is not None and unit_type in clause.fixed_by_unit_type:
        amounts.append(clause.fixed_by_unit_type[unit_type])
    if clause.grades is not None:
        table = {k: v for k, v in clause.grades.items() if v is not None}
        if grade in table:
            amounts.append(table[grade])
        elif grade is None and table:
            amounts.append(max(table.values()))
    if clause.ratio is not None and base is not None:
        product = clause.ratio * base
        exact = (product.numerator * 2 + product.denominator) // (2 * product.denominator)
        amounts.append(exact if clause.exact else int(product))
    return min(amounts) if amounts else None


def awarded(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    decision = d["decision"]
    for name, kind in DECISION.items():
        if not isinstance(decision.get(name), kind) or isinstance(decision.get(name), bool):
            a.fail("事件格式须完整", f"批复缺少字段 decision.{name} 或其类型不对")
            return
    status = g["status"]
    g.update(status="awarded", award={**decision, "on": d["on"]})
    clause = a.state.catalogue.get(g["clause"] or "")
    projects.at_award(a, g, clause)
    a.state.range_awards[g["ref"]] = decision["amount"]
    decided = _decide(a, g, decision, status)
    caps.counted(a, g, clause, decision, check=decided and a.key is not None)


def _decide(a: Act, g: dict, decision: dict, status: str) -> bool:
    """The award's own rules; False when one before the unit's limits already failed."""
    amount, fund, on = decision["amount"], decision["fund"], a.on
    if not a.needs({"clerk"}, "批复"):
        return False
    if status != "evaluated" or g["grade"] == "fail":
        state = "评估为不合格" if g["grade"] == "fail" else {"none": "不存在"}.get(status, f"状态为 {status}")
        a.fail("批复须在评审合格之后", f"申报 {g['ref']} {state}, 却批复 {yuan(amount)}")
        return False
    if not a.not_before(on, g["evaluated_on"], "批复", "评审", g["ref"]):
        return False
    if fund not in a.state.funds:
        a.fail("批复须在已设立的资金下", f"申报 {g['ref']} 批复于资金 {fund}, 该资金不存在")
        return False
    if not a.open_period(fund, year_of(on), f"批复 {g['ref']} {yuan(amount)}"):
        return False
    _within_clause(a, g, decision)
    _within_budget(a, g, fund, year_of(on), amount)
    return True


def _within_clause(a: Act, g: dict, decision: dict) -> None:
    amount, ref = decision["amount"], g["ref"]
    clause = a.state.catalogue.get(g["clause"] or "")
    if clause is None:
        a.fail("批复须依据当时政策目录中的条款", f"申报 {ref} 的条款 {g['clause']} 不在当时的目录中")
        return
    if not _in_force(a, clause, g["applied_on"] or "", "申报"):
        return
    if g["grade"] is not None and clause.grades is not None and g["grade"] not in clause.grades:
        a.fail("条款只支持规定的评估等级", f"条款 {clause.id} 不支持等级 {g['grade']} (申报 {ref})")
    if decision["mode"] not in clause.modes:
        allowed = "、".join(clause.modes)
        a.fail("支持方式须是条款允许的", f"条款 {clause.id} 只能以 {allowed} 批复, 本次为 {decision['mode']}")
    exception = decision.get("exception_doc")
    ceiling = clause_ceiling(clause, g["unit_type"] or "", g["grade"], g["base"])
    if ceiling is None:
        if clause.exception_required and not exception:
            a.fail("不设上限的条款须一事一议", f"申报 {ref} 批复 {yuan(amount)} 没有例外批复文号")
    elif amount > ceiling and not (clause.case_by_case and exception):
        a.fail(
            "批复金额不得超过条款上限",
            f"条款 {clause.id} 最多可批 {yuan(ceiling)}, 申报 {ref} 批复 {yuan(amount)}, 超出 {yuan(amount - ceiling)}",
        )


def _within_budget(a: Act, g: dict, fund: str, year: int, amount: int) -> None:
    b = a.state.budget(fund, year)
    room = b["appropriated"] + b["returned"] - b["committed"]
    b["committed"] += amount
    if amount > room:
        a.fail(
            "批复不得超出资金年度预算",
            f"资金 {fund} {year} 年度预算 {yuan(b['appropriated'])} + 收回 {yuan(b['returned'])}, "
            f"已批复 {yuan(b['committed'] - amount)}, 可用 {yuan(room)}; 申报 {g['ref']} 批复 {yuan(amount)}, "
            f"超出 {yuan(amount - room)}",
        )


RULES = {
    "Unit.Registered": unit_registered,
    "Unit.Placed": unit_changed,
    "Unit.Renamed": unit_changed,
    "PolicyRegister.Opened": policy_opened,
    "PolicyRegister.Loaded": policy_loaded,
    "Grant.Submitted": submitted,
    "Grant.Evaluated": evaluated,
    "Grant.Rejected": rejected,
    "Grant.Awarded": awarded,
}
