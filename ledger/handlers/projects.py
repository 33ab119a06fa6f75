"""Project handlers (issue 24): the schedule an award carries, the 任务书 (term, budget), milestones,
amendments and closeout.

``open_at_award`` is called by the award handler; ``check_payment``, ``check_spending`` and
``check_reversal`` by the payment handlers, before any event. An award without a ``Project`` is paid as
in the first edition.
"""

from __future__ import annotations

from .. import commands as pc
from .. import errors, tranches
from ..errors import LedgerError
from ..grant import AWARDED, CANCELLED, PENDING, REJECTED, Grant
from ..money import Amount, format_human
from ..project import Project
from ..uow import Result, UnitOfWork
from . import handles, on_date, payments, settlement
from .applications import grant_of
from .project_rules import spent_in


def project_of(uow: UnitOfWork, grant: Grant, actor: str, on: str) -> Project:
    """The project of an awarded application, opened now when the award carried none (old awards)."""
    project = uow.find(Project, grant.ref)
    if project is not None:
        return project
    if grant.status != AWARDED:
        raise LedgerError(errors.INVALID_STATE, f"申报 {grant.ref} 尚未批复, 没有项目可管理")
    award = grant.award
    return uow.add(
        Project(
            ref=grant.ref,
            unit=grant.unit,
            clause=grant.clause,
            fund=award["fund"],
            year=award["year"],
            awarded=grant.awarded,
            tranches=None,
            actor=actor,
            on=on,
        )
    )


def _project_fields(grant: Grant, project: Project, on: str) -> dict:
    return {
        "application": grant.ref,
        "status": project.status,
        "end_date": project.end,
        "released": Amount(project.released(on)),
        "paid": Amount(grant.disbursed),
        "tranches": [
            {
                "pct": t["pct"],
                "milestone": t["milestone"],
                "amount": Amount(t["amount"]),
                "released_on": project.passed.get(t["milestone"]),
            }
            for t in project.tranches or []
        ],
    }


@handles(pc.Contract)
def _contract(uow: UnitOfWork, cmd: pc.Contract, actor: str) -> Result:
    """任务书: the project's term and budget (by category, adding up to the award), before its first spending."""
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    if grant.status != AWARDED:
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} 尚未批复, 不能登记任务书")
    if cmd.end is None and cmd.budget is None:
        raise errors.invalid("contract: 须给出 --end-date 或 --budget (或两者)")
    if cmd.end is not None and cmd.end <= grant.award["on"]:
        raise errors.invalid(f"contract --end-date: 执行期截止日期 {cmd.end} 须晚于批复日期 {grant.award['on']}")
    budget = dict(cmd.budget) if cmd.budget is not None else None
    if budget is not None and sum(budget.values()) != grant.awarded:
        total = format_human(sum(budget.values()))
        raise errors.invalid(f"contract --budget: 各科目合计 {total} 须等于批复金额 {format_human(grant.awarded)}")
    project = project_of(uow, grant, actor, on)
    changed = project.record_contract(cmd.doc, cmd.end, budget, grant.spent, actor, on)
    fields = {
        "application": cmd.ref,
        "doc": cmd.doc,
        "end_date": project.end,
        "budget": {k: Amount(v) for k, v in sorted((project.budget or {}).items())} if project.budget else None,
    }
    return Result(fields, changed)


@handles(pc.Milestone)
def _milestone(uow: UnitOfWork, cmd: pc.Milestone, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    if grant.status != AWARDED:
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} 尚未批复, 不能记录里程碑")
    if on < grant.award["on"]:
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} 的里程碑日期 {on} 早于批复日期 {grant.award['on']}")
    project = project_of(uow, grant, actor, on)
    changed = project.record_milestone(cmd.kind, cmd.result, cmd.doc, actor, on)
    fields = {"milestone": cmd.kind, "result": cmd.result, "doc": cmd.doc, **_project_fields(grant, project, on)}
    return Result(fields, changed)


@handles(pc.Extend)
def _extend(uow: UnitOfWork, cmd: pc.Extend, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    if grant.status != AWARDED:
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} 尚未批复, 不能延期")
    project = project_of(uow, grant, actor, on)
    changed = project.extend(cmd.to, cmd.doc, actor, on)
    previous = next(x["previous"] for x in project.extensions if x["doc"] == cmd.doc)
    return Result({"application": cmd.ref, "end_date": project.end, "previous": previous, "doc": cmd.doc}, changed)


@handles(pc.AdjustBudget)
def _adjust_budget(uow: UnitOfWork, cmd: pc.AdjustBudget, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    project = uow.find(Project, cmd.ref)
    if project is None:
        raise LedgerError(
            errors.INVALID_STATE, f"申报 {cmd.ref} 任务书未列预算 (contract --budget), 没有可调剂的预算科目"
        )
    changed = project.adjust_budget(cmd.source, cmd.target, cmd.amount, spent_in(grant, cmd.source), cmd.doc, actor, on)
    budget = {k: Amount(v) for k, v in sorted((project.budget or {}).items())}
    return Result(
        {
            "application": cmd.ref,
            "from": cmd.source,
            "to": cmd.target,
            "amount": Amount(cmd.amount),
            "doc": cmd.doc,
            "budget": budget,
        },
        changed,
    )


def _close_fields(grant: Grant, project: Project) -> dict:
    c = project.closed or {}
    return {
        "application": grant.ref,
        "result": c.get("result"),
        "doc": c.get("doc"),
        "paid": Amount(grant.disbursed),
        "spent": Amount(grant.spent),
        "balance": Amount(c.get("balance", 0)),
        "recovered": Amount(c.get("recovered", 0)),
        "retained": Amount(c.get("retained", 0)),
        "voucher": c.get("voucher"),
        "status": project.status,
        "awarded": Amount(grant.awarded),
        "settled": Amount((getattr(grant, "settled", None) or {}).get("amount", 0)),
    }


@handles(pc.CloseProject)
def _close_project(uow: UnitOfWork, cmd: pc.CloseProject, actor: str) -> Result:
    """验收/结题: the unspent balance (结余 = paid − spent − recovered) is recovered to the fund with a voucher,
    or, on a passed acceptance with a 结余留用 approval document, retained by the unit."""
    grant = grant_of(uow, cmd.ref)
    project = uow.find(Project, cmd.ref)
    if project is not None and project.closed is not None:
        if project.same_close(cmd.result, cmd.doc) and (cmd.voucher in (None, project.closed["voucher"])):
            return Result(_close_fields(grant, project), changed=False)
        raise LedgerError(
            errors.DUPLICATE_KEY,
            f"申报 {cmd.ref} 已于 {project.closed['on']} 结题 (文号 {project.closed['doc']}), 内容不同",
        )
    on = on_date(cmd)
    if grant.status != AWARDED:
        state = {CANCELLED: "的批复已撤销", REJECTED: "已驳回"}.get(grant.status, "尚未批复")
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} {state}, 不能结题")
    if on < grant.award["on"]:
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} 的结题日期 {on} 早于批复日期 {grant.award['on']}")
    waiting = [n for n, v in grant.vouchers.items() if v["status"] == PENDING]
    if waiting:
        raise LedgerError(
            errors.INVALID_STATE,
            f"申报 {cmd.ref} 还有待审批的凭证 {', '.join(sorted(waiting))} "
            f"({format_human(sum(grant.pending.values()))}); "
            "审批或作废后再结题",
        )
    if grant.equity["stake"]:
        raise LedgerError(errors.INVALID_STATE, f"申报 {cmd.ref} 仍持有股权; 退出或核销后再结题")
    balance = grant.available
    if cmd.retain_doc is not None and cmd.result != "pass":
        raise LedgerError(
            errors.INVALID_STATE,
            f"申报 {cmd.ref} 验收未通过: 结余 {format_human(balance)} 须全部追回, 不能留用 (去掉 --retain-doc)",
        )
    retained = balance if cmd.retain_doc is not None else 0
    recovered = balance - retained
    if recovered and cmd.voucher is None:
        fund = grant.award["fund"]
        raise errors.invalid(f"close-project: 结余 {format_human(recovered)} 须追回至资金 {fund}, 请提供 --voucher")
    if recovered:
        payments.check_period(uow, grant, on)
        content = {"amount": recovered, "reason": _reason(cmd)}
        payments.repeat_of(uow, "recovery", cmd, content)  # DUPLICATE_KEY when the number is taken
        grant._check_available(recovered, on, "结题追回")
    project = project or project_of(uow, grant, actor, on)
    project.check_open("结题")
    unpaid = settlement.check_settlement(uow, grant, on)
    # Every check has passed.
    if recovered:
        grant.recover(cmd.voucher, recovered, _reason(cmd), actor, on)
        payments.return_to_fund(uow, grant, cmd, "recovery", recovered, actor, on)
        payments.issue(uow, "recovery", cmd, content, actor, on)
    project.close(
        cmd.result,
        cmd.doc,
        balance,
        recovered,
        retained,
        cmd.voucher if recovered else None,
        cmd.retain_doc,
        actor,
        on,
    )
    settlement.settle(uow, grant, unpaid, cmd.doc, actor, on)  # 结算: the unpaid part goes back
    return Result(_close_fields(grant, project))


def _reason(cmd: pc.CloseProject) -> str:
    word = tranches.RESULTS[cmd.result]
    return f"结题验收{word}, 追回结余 (文号 {cmd.doc})"
