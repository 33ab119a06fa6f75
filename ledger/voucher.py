"""Vouchers (凭证号): the natural key of every money movement.

A voucher number is claimed once, ledger-wide, by the movement that first uses
it. Its content is kept so that an exact repeat of the command can be told
apart from a different movement reusing the number (``DUPLICATE_KEY``).
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .errors import DUPLICATE_KEY, LedgerError
from .ids import key_id

KINDS = {
    "disbursement": "拨付",
    "investment": "股权投资",
    "expenditure": "支出",
    "recovery": "追回",
    "exit": "股权退出",
    "reopen": "重新开账",
    "cancel-award": "撤销批复",
    "reduce-award": "调减批复",
    "correct": "更正申报",
    "reevaluate": "复评",
    "write-off": "股权核销",
    "recharge": "调整资金来源",
}

# The fields a reused voucher number may differ in, as the refusal names them.
FIELD_WORDS = {
    "kind": "业务类型",
    "application": "申报编号",
    "date": "日期",
    "amount": "金额",
    "category": "支出类别",
    "reason": "理由",
    "stake": "股权比例",
    "valuation": "估值",
    "proceeds": "退出收入",
    "fund": "资金",
    "year": "年度",
    "clause": "条款",
    "grade": "等级",
    "score": "评分",
}


class Voucher(Aggregate):
    @staticmethod
    def create_id(number: str) -> object:
        return key_id("voucher", number)

    @event("Issued")
    def __init__(self, number: str, kind: str, ref: str, content: dict, actor: str, on: str):
        self.number = number
        self.kind = kind
        self.ref = ref
        self.content = content
        self.on = on

    def check_repeat(self, kind: str, ref: str, content: dict, on: str | None) -> None:
        """Raise unless (kind, ref, content, and the date when one was given) match exactly."""
        differences = [
            name
            for name, mine, theirs in (
                ("kind", self.kind, kind),
                ("application", self.ref, ref),
                ("date", self.on, on if on is not None else self.on),
                *((k, self.content.get(k), v) for k, v in content.items()),
            )
            if mine != theirs
        ]
        if differences:
            differences = [FIELD_WORDS.get(name, name) for name in differences]
            raise LedgerError(
                DUPLICATE_KEY,
                f"凭证号 {self.number} 已用于 {self.ref} 的{KINDS[self.kind]} ({self.on}); "
                f"本次内容不同 ({'、'.join(differences)}), 不能重复使用",
            )
