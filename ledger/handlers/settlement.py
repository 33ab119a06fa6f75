"""Settlement at closeout (结算) and re-charge to another fund (调整资金来源): ``ledger/settlement.py`` decides.

``settle`` is called by the closeout handler (``projects``) after its checks, in the same transaction. The
re-charge proposal claims its document number as a ``Voucher`` (kind ``recharge``), so ``approve DOC`` and
``void DOC`` find it the way they find a held payment or a correction; the approval re-checks everything (the
award may have been paid, cancelled or closed meanwhile) and then moves the commitment: ``FundYear.Released``
on the old fund-year, ``FundYear.Committed`` on the new one, ``Grant.Recharged`` on the award.
"""

from __future__ import annotations

from .. import commands as c
from .. import errors, scope
from .. import settlement as rules_
from ..closed_years import check_open
from ..errors import LedgerError
from ..fund import Fund, FundYear
from ..grant import AWARDED, Grant
from ..money import Amount
from ..project import Project
from ..uow import Result, UnitOfWork
from ..voucher import Voucher
from . import handles, on_date, second_person
from .applications import clause_of, grant_of
from .corrections import release
from .payments import not_the_makers_key

# -- settlement ---------------------------------------------------------------------------------------------


def check_settlement(uow: UnitOfWork, grant: Grant, on: str) -> int:
    """What the closeout will settle (award − paid), refusing a closeout date in a closed period of the fund."""
    amount = rules_.unpaid(grant)
    if amount > 0:
        check_open(uow, grant.award["fund"], on)
    return amount


def settle(uow: UnitOfWork, grant: Grant, amount: int, doc: str, actor: str, on: str) -> None:
    """结算: the award stands at what was paid; the unpaid ``amount`` goes back to the fund-year and the caps."""
    if amount <= 0:
        return
    award, awarded = grant.award, grant.awarded
    release(uow, grant, amount, False, doc, actor, on)
    grant.record_settlement(
        doc=doc,
        amount=amount,
        awarded=awarded,
        paid=awarded - amount,
        fund=award["fund"],
        year=award["year"],
        actor=actor,
        on=on,
    )


# -- re-charge ----------------------------------------------------------------------------------------------


def recharge_voucher(uow: UnitOfWork, number: str) -> Voucher | None:
    voucher = uow.find(Voucher, number)
    return voucher if voucher is not None and voucher.kind == rules_.RECHARGE else None


def _fields(grant: Grant, doc: str) -> dict:
    r = grant.recharges_of()[doc]
    status = {"pending": "pending", "withdrawn": "voided"}.get(r["status"], "recharged")
    return {
        "application": grant.ref,
        "doc": doc,
        "kind": rules_.RECHARGE,
        "status": status,
        "fund": r["fund"],
        "from_fund": r.get("source", grant.award["fund"] if grant.award else None),
        "year": grant.award["year"] if grant.award else None,
        "amount": Amount(grant.awarded),
        "awarded": Amount(grant.awarded),
        "maker": r["maker"],
        "reason": r["reason"],
    }


def _check(uow: UnitOfWork, grant: Grant, target: str, on: str) -> tuple[Fund, FundYear | None]:
    """Every rule of the re-charge as it applies now (at the proposal, and again at the approval)."""
    project = uow.find(Project, grant.ref) if grant.status == AWARDED else None
    if project is not None:  # a closed project was settled at what was paid: PROJECT_CLOSED
        project.check_open(rules_.WORD)
    rules_.check_recharge(grant, target)
    fund = uow.find(Fund, target)
    if fund is None:
        raise errors.not_found(f"资金 {target} 不存在", ("fund", target))
    scope.check_award(fund, clause_of(uow, grant.clause))  # 资金使用范围 (NOT_ELIGIBLE)
    award = grant.award
    if on < award["on"]:
        raise LedgerError(errors.INVALID_STATE, f"申报 {grant.ref} 的{rules_.WORD}日期 {on} 早于批复日期 {award['on']}")
    year = award["year"]
    check_open(uow, award["fund"], year, on)
    check_open(uow, target, year, on)
    fund_year = uow.find(FundYear, target, year)
    rules_.check_room(target, year, fund_year.available if fund_year else None, grant.awarded, grant.ref)
    return fund, fund_year


@handles(c.Recharge)
def _recharge(uow: UnitOfWork, cmd: c.Recharge, actor: str) -> Result:
    content = {"reason": cmd.reason, "fund": cmd.fund}
    voucher = uow.find(Voucher, cmd.doc)
    if voucher is not None:
        voucher.check_repeat(rules_.RECHARGE, cmd.ref, content, cmd.date)
        return Result(_fields(grant_of(uow, cmd.ref), cmd.doc), changed=False)
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    rules_.check_none_waiting(grant, cmd.doc)
    _check(uow, grant, cmd.fund, on)
    grant.propose_recharge(doc=cmd.doc, fund=cmd.fund, reason=cmd.reason, actor=actor, on=on)
    uow.add(Voucher(number=cmd.doc, kind=rules_.RECHARGE, ref=cmd.ref, content=content, actor=actor, on=on))
    return Result(_fields(grant, cmd.doc), note=f"{rules_.WORD} {cmd.doc} 待第二人审批 (approve {cmd.doc}) 后生效")


def confirm(uow: UnitOfWork, voucher: Voucher, cmd: c.Approve, actor: str) -> Result:
    grant = grant_of(uow, voucher.ref)
    doc = voucher.number
    proposal = rules_.proposal_of(grant, doc, "审批")
    if proposal["status"] == rules_.APPROVED:
        return Result({"voucher": doc, **_fields(grant, doc)}, changed=False)
    rules_.check_second_person(doc, proposal, actor)
    not_the_makers_key(uow, proposal, doc)
    on = on_date(cmd)
    if on < proposal["on"]:
        raise LedgerError(errors.INVALID_STATE, f"申报 {grant.ref} 的审批日期 {on} 早于提出日期 {proposal['on']}")
    target = proposal["fund"]
    _, fund_year = _check(uow, grant, target, on)
    assert fund_year is not None  # check_room refused a fund-year without budget
    award, amount = grant.award, grant.awarded
    source = uow.require(FundYear, award["fund"], award["year"], what=f"资金 {award['fund']} {award['year']} 年度")
    source.release(grant.ref, amount, doc, actor, on)
    fund_year.commit(grant.ref, amount, actor, on)
    grant.record_recharge(
        doc=doc, amount=amount, from_fund=award["fund"], to_fund=target, year=award["year"], actor=actor, on=on
    )
    fields = _fields(grant, doc)
    fields["from_fund"] = award["fund"]
    return Result({"voucher": doc, **fields})


def withdraw(uow: UnitOfWork, voucher: Voucher, cmd: c.Void, actor: str) -> Result:
    grant = grant_of(uow, voucher.ref)
    doc = voucher.number
    proposal = grant.recharges_of().get(doc)
    if proposal is None:
        raise errors.not_found(f"申报 {grant.ref} 没有文号为 {doc} 的{rules_.WORD}", ("voucher", doc))
    if proposal["status"] == rules_.WITHDRAWN:
        if proposal.get("withdrawn_reason") != cmd.reason:
            raise LedgerError(errors.DUPLICATE_KEY, f"{rules_.WORD} {doc} 已以不同理由撤回")
        return Result({"voucher": doc, **_fields(grant, doc)}, changed=False)
    if proposal["status"] != rules_.PENDING:
        raise LedgerError(errors.INVALID_STATE, f"{rules_.WORD} {doc} 已于 {proposal.get('done_on')} 生效, 不能撤回")
    on = on_date(cmd)
    if on < proposal["on"]:
        raise LedgerError(errors.INVALID_STATE, f"申报 {grant.ref} 的撤回日期 {on} 早于提出日期 {proposal['on']}")
    grant.withdraw_recharge(doc=doc, reason=cmd.reason, actor=actor, on=on)
    return Result({"voucher": doc, **_fields(grant, doc)})


second_person.register_voucher_family(recharge_voucher, confirm, withdraw)
