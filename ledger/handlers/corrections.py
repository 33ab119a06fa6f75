"""Correction handlers: propose a cancellation, reduction, correction or re-evaluation; approve or withdraw it.

Each proposal claims its document number as a ``Voucher`` (kind ``cancel-award`` …), so ``approve DOC`` and
``void DOC`` find it the way they find a held payment or a reopening, and an exact repeat changes nothing.
The approval re-checks everything (the award may have been paid meanwhile), then releases what the award held
— the fund-year's commitment and the unit's caps — in the same transaction as the award's own event.
"""

from __future__ import annotations

from typing import Any

from .. import commands as c
from .. import corrections as rules_
from .. import errors, rules
from ..caps import LIFE, ONCE, UnitCap
from ..closed_years import check_open
from ..corrections import CANCEL, CORRECT, DONE, KINDS, REDUCE, REEVALUATE
from ..errors import LedgerError
from ..fund import FundYear
from ..grant import Grant
from ..money import Amount
from ..project import Project
from ..unit import Unit
from ..uow import Result, UnitOfWork
from ..voucher import Voucher
from . import handles, on_date, second_person
from .applications import clause_of, grant_of, platform_group, year_group
from .payments import not_the_makers_key
from .policies import catalogue_of


def correction_voucher(uow: UnitOfWork, number: str) -> Voucher | None:
    """The voucher when ``number`` is a correction's document (approved and voided like a payment)."""
    voucher = uow.find(Voucher, number)
    return voucher if voucher is not None and voucher.kind in KINDS else None


def _fields(grant: Grant, doc: str) -> dict:
    proposal = rules_.corrections_of(grant)[doc]
    amount = proposal.get("amount")
    status = {"pending": "pending", "withdrawn": "voided"}.get(proposal["status"], DONE[proposal["kind"]])
    return {
        "application": grant.ref,
        "doc": doc,
        "kind": proposal["kind"],
        "status": status,
        "amount": Amount(amount) if amount is not None else None,
        "clause": proposal.get("clause"),
        "grade": proposal.get("grade"),
        "awarded": Amount(grant.awarded),
        "maker": proposal["maker"],
        "reason": proposal["reason"],
    }


def _check_period(uow: UnitOfWork, grant: Grant, on: str) -> None:
    """A cancellation or reduction moves the award's fund-year commitment: its year and today's must be open."""
    if grant.award is not None:
        check_open(uow, grant.award["fund"], grant.award["year"], on)


def _check(uow: UnitOfWork, grant: Grant, kind: str, change: dict, on: str) -> None:
    """Every rule of the correction, as it would apply now (at the proposal, and again at the approval)."""
    if kind in (CANCEL, REDUCE) and grant.status == "awarded":
        project = uow.find(Project, grant.ref)
        if project is not None:  # a closed project was settled at what was paid (ledger/settlement.py)
            project.check_open(KINDS[kind])
    if kind == CANCEL:
        rules_.check_cancellation(grant)
    elif kind == REDUCE:
        rules_.check_reduction(grant, change["amount"])
    elif kind == CORRECT:
        rules_.check_correction(grant, change["amount"], change["clause"])
        clause = clause_of(uow, change["clause"] or grant.clause)
        if clause.ratio is not None and grant.base is None:
            raise errors.invalid(f"条款 {clause.id} 按{clause.base}的比例计算, 原申报没有基数, 请重新申报")
        if clause.base is None and grant.base is not None:
            raise errors.invalid(f"条款 {clause.id} 不需要基数, 原申报带有基数, 请重新申报")
        unit = uow.require(Unit, grant.unit, what=f"单位 {grant.unit} 未登记")
        rules.check_submission(clause, unit.type, grant.applied_on, unit.region)
    else:
        rules_.check_reevaluation(grant, change["grade"], change["score"])
    if kind in (CANCEL, REDUCE):
        _check_period(uow, grant, on)
        rules_.check_not_before(grant, on, grant.award["on"], KINDS[kind], "批复")
    else:
        rules_.check_not_before(grant, on, grant.evaluated_on or grant.applied_on, KINDS[kind], "评估")


def propose(uow: UnitOfWork, cmd: Any, kind: str, actor: str, change: dict) -> Result:
    content = {"reason": cmd.reason, **{k: v for k, v in change.items() if v is not None}}
    voucher = uow.find(Voucher, cmd.doc)
    if voucher is not None:
        voucher.check_repeat(kind, cmd.ref, content, cmd.date)
        return Result(_fields(grant_of(uow, cmd.ref), cmd.doc), changed=False)
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    rules_.check_none_waiting(grant, cmd.doc)
    _check(uow, grant, kind, change, on)
    full = {"amount": None, "clause": None, "grade": None, "score": None, **change}
    grant.propose_correction(doc=cmd.doc, kind=kind, reason=cmd.reason, actor=actor, on=on, **full)
    uow.add(Voucher(number=cmd.doc, kind=kind, ref=cmd.ref, content=content, actor=actor, on=on))
    return Result(_fields(grant, cmd.doc), note=f"{KINDS[kind]} {cmd.doc} 待第二人审批 (approve {cmd.doc}) 后生效")


@handles(c.CancelAward)
def _cancel_award(uow: UnitOfWork, cmd: c.CancelAward, actor: str) -> Result:
    return propose(uow, cmd, CANCEL, actor, {})


@handles(c.ReduceAward)
def _reduce_award(uow: UnitOfWork, cmd: c.ReduceAward, actor: str) -> Result:
    return propose(uow, cmd, REDUCE, actor, {"amount": cmd.amount})


@handles(c.Correct)
def _correct(uow: UnitOfWork, cmd: c.Correct, actor: str) -> Result:
    clause = clause_of(uow, cmd.clause).id if cmd.clause is not None else None
    return propose(uow, cmd, CORRECT, actor, {"amount": cmd.amount, "clause": clause})


@handles(c.Reevaluate)
def _reevaluate(uow: UnitOfWork, cmd: c.Reevaluate, actor: str) -> Result:
    return propose(uow, cmd, REEVALUATE, actor, {"grade": cmd.grade, "score": cmd.score})


# -- the second person --------------------------------------------------------------------------------------


def release(uow: UnitOfWork, grant: Grant, amount: int, whole: bool, doc: str, actor: str, on: str) -> None:
    """Give back what the award holds: ``amount`` of the fund-year's commitment and of the unit's caps
    (``whole``: the award is cancelled, so its once-per-unit mark goes too)."""
    award = grant.award
    fund_year = uow.require(FundYear, award["fund"], award["year"], what=f"资金 {award['fund']} {award['year']} 年度")
    fund_year.release(grant.ref, amount, doc, actor, on)
    clause = catalogue_of(uow).get(grant.clause)
    keys = [(grant.clause, ONCE), (grant.clause, LIFE)]
    if clause is not None:
        # where the award counted: the record (``shares``), a named platform's own total, the year's mark
        platform = award.get("platform")
        life = clause.record if platform is None else platform_group(clause, platform)
        keys = [(clause.record, ONCE), (life, LIFE)]
        if clause.once_every is not None:
            keys.append((year_group(clause, int(award["year"])), ONCE))
        if clause.cap_group is not None:
            keys.insert(0, (clause.cap_group, str(award["year"])))
    for group, period in keys:
        cap = uow.find(UnitCap, grant.unit, group, period)
        if cap is None or grant.ref not in cap.refs:
            continue
        if period == ONCE:
            if whole:
                cap.release(grant.ref, amount, True, doc, actor, on)
            continue
        cap.release(grant.ref, amount, whole, doc, actor, on)


def confirm(uow: UnitOfWork, voucher: Voucher, cmd: c.Approve, actor: str) -> Result:
    """``approve DOC`` on a correction: a second person puts it in force."""
    grant = grant_of(uow, voucher.ref)
    doc = voucher.number
    proposal = rules_.proposal_of(grant, doc, "审批")
    if proposal["status"] == rules_.APPROVED:
        return Result(_approved_fields(grant, doc), changed=False)
    rules_.check_second_person(doc, proposal, actor)
    not_the_makers_key(uow, proposal, doc)
    on = on_date(cmd)
    rules_.check_not_before(grant, on, proposal["on"], "审批", "提出")
    kind = proposal["kind"]
    _check(uow, grant, kind, proposal, on)
    if kind == CANCEL:
        award, amount = grant.award, grant.awarded
        release(uow, grant, amount, True, doc, actor, on)
        grant.record_cancellation(
            doc=doc, amount=amount, award_doc=award["doc"], fund=award["fund"], year=award["year"], actor=actor, on=on
        )
    elif kind == REDUCE:
        award, before, after = grant.award, grant.awarded, proposal["amount"]
        release(uow, grant, before - after, False, doc, actor, on)
        grant.record_reduction(
            doc=doc,
            amount=before - after,
            before=before,
            after=after,
            fund=award["fund"],
            year=award["year"],
            actor=actor,
            on=on,
        )
    elif kind == CORRECT:
        before = {"asked": grant.asked, "clause": grant.clause}
        after = {
            "asked": proposal["amount"] if proposal["amount"] is not None else grant.asked,
            "clause": proposal["clause"] or grant.clause,
        }
        grant.record_correction(doc=doc, before=before, after=after, actor=actor, on=on)
    else:
        before = {"grade": grant.grade, "score": grant.score}
        grant.record_reevaluation(
            doc=doc, before=before, grade=proposal["grade"], score=proposal["score"], actor=actor, on=on
        )
    return Result(_approved_fields(grant, doc))


def _approved_fields(grant: Grant, doc: str) -> dict:
    fields = _fields(grant, doc)
    return {"voucher": doc, **fields}


def withdraw(uow: UnitOfWork, voucher: Voucher, cmd: c.Void, actor: str) -> Result:
    """``void DOC --reason`` on a correction still waiting: it never takes effect."""
    grant = grant_of(uow, voucher.ref)
    doc = voucher.number
    proposal = rules_.corrections_of(grant).get(doc)
    if proposal is None:
        raise errors.not_found(f"申报 {grant.ref} 没有文号为 {doc} 的更正", ("voucher", doc))
    if proposal["status"] == rules_.WITHDRAWN:
        if proposal.get("withdrawn_reason") != cmd.reason:
            raise LedgerError(errors.DUPLICATE_KEY, f"{KINDS[proposal['kind']]} {doc} 已以不同理由撤回")
        return Result(_approved_fields(grant, doc), changed=False)
    if proposal["status"] != rules_.PENDING:
        raise LedgerError(
            errors.INVALID_STATE, f"{KINDS[proposal['kind']]} {doc} 已于 {proposal.get('done_on')} 生效, 不能撤回"
        )
    on = on_date(cmd)
    rules_.check_not_before(grant, on, proposal["on"], "撤回", "提出")
    grant.withdraw_correction(doc=doc, kind=proposal["kind"], reason=cmd.reason, actor=actor, on=on)
    return Result(_approved_fields(grant, doc))


second_person.register_voucher_family(correction_voucher, confirm, withdraw)
