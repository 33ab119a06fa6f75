"""The vocabulary of events: every event an aggregate records, declared once (issue 28).

Each entry names the aggregate and the event (``Grant.Disbursed``, the last part of its stored topic), the
module that defines it, its fields with their types as the ``@event`` method declares them, and the Chinese
label a clerk reads (history, the web view, the voucher forms). ``tests/unit/test_vocabulary.py`` checks this
list against the aggregates' ``@event`` methods — every event they can record is here with exactly its fields
— and that every fold of the read side says, for each event here, whether it handles or ignores it; so an
event added to an aggregate and not placed fails that test.

Plain data: importing it loads no aggregate (the fast read path and the labels import it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    module: str  # where the aggregate is defined: its stored topic is ``module:name``
    name: str  # ``Aggregate.Event``
    label: str  # in Chinese, as people read it
    fields: tuple[tuple[str, str], ...]  # (field, type) in the ``@event`` method's order

    @property
    def aggregate(self) -> str:
        return self.name.partition(".")[0]

    @property
    def topic(self) -> str:
        return f"{self.module}:{self.name}"


def E(module: str, name: str, label: str, fields: str) -> EventType:  # one row of the table below
    pairs = tuple(tuple(part.strip() for part in f.split(":", 1)) for f in fields.split(", "))
    return EventType(module, name, label, pairs)  # type: ignore[arg-type]


EVENTS: tuple[EventType, ...] = (
    E("ledger.actors", "Installation.Initialised", "账本初始化", "admin: str, actor: str, on: str"),
    E("ledger.actors", "Installation.SigningBegan", "开始签名", "key: str, actor: str, on: str"),
    E("ledger.actors", "Actor.Registered", "人员登记", "name: str, actor: str, on: str"),
    E("ledger.actors", "Actor.KeyBound", "绑定签名钥匙", "key: str, custody: str, held_by: str, actor: str, on: str"),
    E(
        "ledger.actors",
        "Actor.KeyRotated",
        "更换签名钥匙",
        "key: str, previous: str | None, proof: str, actor: str, on: str",
    ),
    E("ledger.actors", "Actor.RoleRevoked", "收回角色", "role: str, actor: str, on: str"),
    E("ledger.actors", "Actor.RoleGranted", "授予角色", "role: str, actor: str, on: str"),
    E("ledger.actors", "KeyBinding.Claimed", "登记钥匙归属", "fingerprint: str, holder: str, actor: str, on: str"),
    E(
        "ledger.caps",
        "UnitCap.Opened",
        "开立年度上限",
        "unit: str, group: str, period: str, cap: int | None, actor: str, on: str",
    ),
    E("ledger.caps", "UnitCap.Used", "占用上限", "ref: str, amount: int, actor: str, on: str, lift: dict | None"),
    E("ledger.caps", "UnitCap.Carried", "计入既往批复", "refs: list[str], amount: int, actor: str, on: str"),
    E(
        "ledger.caps",
        "UnitCap.Released",
        "退回上限",
        "ref: str, amount: int, whole: bool, doc: str, actor: str, on: str",
    ),
    E(
        "ledger.fund",
        "Fund.Created",
        "设立资金",
        "code: str, name: str, threshold: int, actor: str, on: str, window: int | None, city: str | None, "
        "clauses: list[str] | None",
    ),
    E(
        "ledger.fund",
        "Fund.Scoped",
        "规定资金使用范围",
        "city: str, clauses: list[str] | None, doc: str, actor: str, on: str",
    ),
    E("ledger.fund", "FundYear.Released", "退回承诺", "ref: str, amount: int, doc: str, actor: str, on: str"),
    E("ledger.fund", "FundYear.Opened", "开立年度预算", "fund: str, year: int, actor: str, on: str"),
    E("ledger.fund", "FundYear.Appropriated", "预算拨入", "amount: int, doc: str, actor: str, on: str"),
    E("ledger.fund", "FundYear.Committed", "预算承诺", "ref: str, amount: int, actor: str, on: str"),
    E(
        "ledger.fund",
        "FundYear.Returned",
        "资金收回",
        "ref: str, voucher: str, kind: str, amount: int, actor: str, on: str",
    ),
    E("ledger.fund", "FundYear.ReturnReversed", "收回冲正", "ref: str, voucher: str, amount: int, actor: str, on: str"),
    E(
        "ledger.grant",
        "Grant.Submitted",
        "申报",
        "ref: str, unit: str, unit_type: str, clause: str, asked: int, base: int | None, actor: str, on: str",
    ),
    E("ledger.grant", "Grant.Evaluated", "评审", "grade: str, score: str | None, actor: str, on: str"),
    E("ledger.grant", "Grant.Rejected", "驳回", "reason: str, actor: str, on: str"),
    E("ledger.grant", "Grant.Awarded", "批复", "decision: dict, actor: str, on: str"),
    E("ledger.grant", "Grant.Disbursed", "拨付", "voucher: str, amount: int, held: bool, actor: str, on: str"),
    E(
        "ledger.grant",
        "Grant.Invested",
        "股权投资",
        "voucher: str, amount: int, stake: int, valuation: int, held: bool, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.Approved",
        "审批通过",
        "voucher: str, kind: str, amount: int, stake: int | None, actor: str, on: str",
    ),
    E("ledger.grant", "Grant.Voided", "作废", "voucher: str, kind: str, amount: int, reason: str, actor: str, on: str"),
    E("ledger.grant", "Grant.Spent", "支出", "voucher: str, amount: int, category: str, actor: str, on: str"),
    E("ledger.grant", "Grant.Recovered", "追回", "voucher: str, amount: int, reason: str, actor: str, on: str"),
    E(
        "ledger.grant",
        "Grant.Reversed",
        "红字冲正",
        "voucher: str, kind: str, amount: int, category: str | None, original_on: str, reason: str, actor: "
        "str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.Converted",
        "转股",
        "stake: int, valuation: int, doc: str, cost: int, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.Exited",
        "股权退出",
        "voucher: str, stake: int, proceeds: int, cost: int, gain: int, actor: str, on: str",
    ),
    E("ledger.grant", "Grant.WrittenOff", "股权核销", "stake: int, cost: int, reason: str, actor: str, on: str"),
    # Corrections by two people, and exits and write-offs held at the threshold (issue 24: ledger/corrections.py,
    # ledger/holds.py).
    E(
        "ledger.grant",
        "Grant.CorrectionProposed",
        "提请更正",
        "doc: str, kind: str, amount: int | None, clause: str | None, grade: str | None, score: str | None, "
        "reason: str, actor: str, on: str",
    ),
    E("ledger.grant", "Grant.CorrectionWithdrawn", "撤回更正", "doc: str, kind: str, reason: str, actor: str, on: str"),
    E(
        "ledger.grant",
        "Grant.AwardCancelled",
        "撤销批复",
        "doc: str, amount: int, award_doc: str, fund: str, year: int, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.AwardReduced",
        "调减批复",
        "doc: str, amount: int, before: int, after: int, fund: str, year: int, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.ApplicationCorrected",
        "更正申报",
        "doc: str, before: dict, after: dict, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.Reevaluated",
        "复评",
        "doc: str, before: dict, grade: str, score: str | None, actor: str, on: str",
    ),
    # The closeout's settlement and a re-charge to another fund by two people (issue 24: ledger/settlement.py).
    E(
        "ledger.grant",
        "Grant.Settled",
        "结算",
        "doc: str, amount: int, awarded: int, paid: int, fund: str, year: int, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.RechargeProposed",
        "提请调整资金来源",
        "doc: str, fund: str, reason: str, actor: str, on: str",
    ),
    E("ledger.grant", "Grant.RechargeWithdrawn", "撤回调整资金来源", "doc: str, reason: str, actor: str, on: str"),
    E(
        "ledger.grant",
        "Grant.Recharged",
        "调整资金来源",
        "doc: str, amount: int, from_fund: str, to_fund: str, year: int, actor: str, on: str",
    ),
    E(
        "ledger.grant",
        "Grant.EquityActHeld",
        "股权退出/核销待审批",
        "key: str, kind: str, stake: int, proceeds: int | None, cost: int, reason: str | None, threshold: int, "
        "actor: str, on: str",
    ),
    E("ledger.grant", "Grant.EquityActApproved", "股权退出/核销审批通过", "key: str, kind: str, actor: str, on: str"),
    E(
        "ledger.grant",
        "Grant.EquityActVoided",
        "股权退出/核销作废",
        "key: str, kind: str, reason: str, actor: str, on: str",
    ),
    E("ledger.periods", "Period.Opened", "开立会计年度", "fund: str, year: int, actor: str, on: str"),
    E("ledger.periods", "Period.Closed", "年度结账", "doc: str, figures: dict, actor: str, on: str"),
    E("ledger.periods", "Period.ReopenProposed", "提请重新开账", "doc: str, reason: str, actor: str, on: str"),
    E(
        "ledger.periods",
        "Period.Reopened",
        "重新开账",
        "doc: str, close_doc: str, carried_forward: int, lapsed: int, actor: str, on: str",
    ),
    E("ledger.periods", "Period.ReopenWithdrawn", "撤回重新开账", "doc: str, reason: str, actor: str, on: str"),
    E(
        "ledger.periods",
        "Seal.Written",
        "封存日志",
        "position: int, head: str, state: str, algorithm: str, signed_by: str, key: str | None, signature: "
        "str | None, actor: str, on: str, snapshot: str | None",
    ),
    # a project's life after the award (issue 24): ledger/project.py
    E(
        "ledger.project",
        "Project.Opened",
        "立项 (分期计划)",
        "ref: str, unit: str, clause: str, fund: str, year: int, awarded: int, tranches: list[dict] | None, "
        "actor: str, on: str",
    ),
    E(
        "ledger.project",
        "Project.Contracted",
        "登记任务书",
        "doc: str, end: str | None, budget: dict | None, actor: str, on: str",
    ),
    E(
        "ledger.project",
        "Project.MilestoneRecorded",
        "记录里程碑",
        "milestone: str, result: str, doc: str, released: int, actor: str, on: str",
    ),
    E(
        "ledger.project",
        "Project.Extended",
        "项目延期",
        "end: str, previous: str | None, doc: str, actor: str, on: str",
    ),
    E(
        "ledger.project",
        "Project.BudgetAdjusted",
        "预算调剂",
        "source: str, target: str, amount: int, doc: str, actor: str, on: str",
    ),
    E(
        "ledger.project",
        "Project.Closed",
        "验收结题",
        "result: str, doc: str, amount: int, recovered: int, retained: int, voucher: str | None, retain_doc: "
        "str | None, actor: str, on: str",
    ),
    E("ledger.policy_register", "PolicyRegister.Opened", "开立政策登记簿", "actor: str, on: str"),
    E(
        "ledger.policy_register",
        "PolicyRegister.Loaded",
        "载入政策文件",
        "document: str, doc_number: str, file_name: str, text: str, sha256: str, actor: str, on: str",
    ),
    E("ledger.unit", "Unit.Registered", "单位登记", "code: str, name: str, type: str, actor: str, on: str"),
    E("ledger.unit", "Unit.Placed", "登记所在地区", "region: str, doc: str, actor: str, on: str"),
    E("ledger.unit", "Unit.Renamed", "单位更名", "name: str, doc: str, former: str, actor: str, on: str"),
    E(
        "ledger.voucher",
        "Voucher.Issued",
        "开具凭证",
        "number: str, kind: str, ref: str, content: dict, actor: str, on: str",
    ),
)

# Stored topics stay as written: an aggregate class that moves module (or is renamed) keeps its old topic here,
# ``old module:Class`` → ``new module:Class``, and ``ledger.service`` registers each with eventsourcing
# (``register_topic``), so a ledger written before the move still loads, replays and verifies (issue 28). The
# read side folds by ``Aggregate.Event`` (a topic's last part) and needs nothing. No aggregate has moved yet.
MOVED: dict[str, str] = {}

BY_NAME: dict[str, EventType] = {e.name: e for e in EVENTS}
NAMES: frozenset[str] = frozenset(BY_NAME)
LABELS: dict[str, str] = {e.name: e.label for e in EVENTS}  # the one table of event labels (cli and web)


def label(name: str) -> str:
    """``Grant.Disbursed`` → ``拨付``; a topic (``ledger.grant:Grant.Disbursed``) is read by its last part; an
    event not declared here is shown as stored."""
    short = name.rpartition(":")[2]
    return LABELS.get(short, short)


def stored_topics(name: str) -> list[str]:
    """Every topic an event of type ``name`` may be stored under: as declared, and from before any move."""
    declared = BY_NAME[name]
    aggregate, _, event = name.partition(".")
    current = f"{declared.module}:{aggregate}"
    return [declared.topic, *(f"{old}.{event}" for old, new in MOVED.items() if new == current)]
