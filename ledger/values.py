"""The small vocabularies of the ledger: grades, unit types, categories, roles, modes, stakes.

Each parser accepts the English word of cli.md and its Chinese equivalent,
and returns the English word that events and reports store.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .digits import describe, odd_digit
from .errors import LedgerError, did_you_mean, invalid

# A city's clauses are for units registered there: 统一社会信用代码 characters 3–8 (administrative division).
# Here, not in ledger.clauses, so a read that only names a fund's city (presentation.labels) need not import
# the catalogue's parser (its dataclasses, fractions and dates: ~20 ms of every report as a new process).
CITIES = {"qingdao": ("3702", "青岛市"), "weihai": ("3710", "威海市")}
CITY_WORDS = {code: name for code, (_, name) in CITIES.items()}  # qingdao → 青岛市
GRADES = {
    "new": "新认定",
    "excellent": "优秀",
    "good": "良好",
    "pass": "合格",
    "fail": "不合格",
    "repass": "复评合格",
}
UNIT_TYPES = {
    "enterprise": "企业",
    "university": "高校",
    "institute": "科研院所",
    "hospital": "医疗机构",
    "investor": "创投风投机构",
    "other": "其他",
}
CATEGORIES = {
    "equipment": "设备费",
    "materials": "材料费",
    "testing": "测试化验加工费",
    "travel": "差旅费",
    "labor": "劳务费",
    "consulting": "专家咨询费",
    "publication": "出版/文献/信息传播/知识产权事务费",
    "indirect": "间接费用",
    "platform": "平台建设费",
    "exchange": "国际合作与交流费",
    "rd": "研发费用",
    "other": "其他支出",
}
# 负面清单: never payable from earmarked money.
NEGATIVE_LIST = {
    "debt": "偿还债务",
    "fine": "罚款",
    "donation": "捐赠赞助",
    "investment": "对外投资",
    "welfare": "发放福利",
    "construction": "楼堂馆所建设",
}
ROLES = {
    "admin": "管理员",
    "clerk": "经办人",
    "reviewer": "评审人",
    "approver": "审批人",
    "auditor": "审计人员",
}


# The one read-permission rule: every role may read (``report``, ``history``, ``verify`` …), no role may not.
# ``ledger.actors.may`` decides with it, and so does the fast read path, which loads no aggregate.
READS = frozenset({"policy", "history", "report", "verify", "export"})


def may_read(roles: list[str] | tuple[str, ...]) -> bool:
    return bool(roles)


# Kinds of voucher (and of money coming back to a fund).
KINDS = {
    "disbursement": "拨付",
    "investment": "股权投资",
    "expenditure": "支出",
    "recovery": "追回",
    "exit": "退出",
    "reopen": "重新开账",
    "cancel-award": "撤销批复",
    "reduce-award": "调减批复",
    "correct": "更正申报",
    "reevaluate": "复评",
    "write-off": "股权核销",
    "recharge": "调整资金来源",
}
# A voucher's status, as a refusal names it.
VOUCHER_STATUSES = {"posted": "已入账", "pending": "待审批", "voided": "已作废", "reversed": "已冲正"}
MODES = {
    "grant": "拨款",
    "equity": "股权投资(拨改投)",
    "mixed": "拨投结合",
    "convertible": "先投后股",
}


KIND_WORDS = {"grade": "评审等级", "unit type": "单位类型", "role": "角色", "mode": "批复方式", "category": "支出类别"}


def _choose(kind: str, text: str, table: dict[str, str]) -> str:
    word = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    lowered = word.lower()
    if lowered in table:
        return lowered
    for key, chinese in table.items():
        if word == chinese:
            return key
    allowed = " ".join(f"{k}({v})" for k, v in table.items())
    hint = did_you_mean(lowered, [*table, *table.values()])
    raise invalid(f"未知的{KIND_WORDS.get(kind, kind)} {text!r}{hint}; 可选: {allowed}")


def grade(text: str) -> str:
    if isinstance(text, str) and text.strip() in ("首次评估不合格经整改后复评合格", "复评"):
        return "repass"
    return _choose("grade", text, GRADES)


def unit_type(text: str) -> str:
    return _choose("unit type", text, UNIT_TYPES)


def role(text: str) -> str:
    return _choose("role", text, ROLES)


def mode(text: str) -> str:
    return _choose("mode", text, MODES)


def category(text: str) -> str:
    """An expenditure category; the 负面清单 is refused with ``NEGATIVE_LIST``."""
    word = unicodedata.normalize("NFKC", text).strip().lower() if isinstance(text, str) else ""
    for key, chinese in NEGATIVE_LIST.items():
        if word in (key, chinese):
            raise LedgerError(
                "NEGATIVE_LIST",
                f"支出类别 {key}({chinese}) 属于负面清单, 专项资金不得用于{chinese} (专款专用)",
            )
    return _choose("category", text, CATEGORIES)


# Stakes are percentages with at most four decimals, stored as integer
# millionths of the company (1 % = 10,000), so sums are exact.
STAKE_UNIT = 10_000  # per percent
FULL_STAKE = 100 * STAKE_UNIT
_STAKE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,4})?")


def stake(text: str) -> int:
    if odd_digit(str(text)) is not None:
        raise invalid(f"不是股权比例: {text!r} 含有 {describe(odd_digit(str(text)) or '')}")
    word = unicodedata.normalize("NFKC", str(text)).strip().rstrip("%").strip()
    if not _STAKE.fullmatch(word):
        raise invalid(f"不是股权比例: {text!r} (百分数, 如 5 或 5.25, 最多 4 位小数)")
    whole, _, frac = word.partition(".")
    value = int(whole) * STAKE_UNIT + int((frac + "0000")[:4])
    if not 0 < value <= FULL_STAKE:
        raise invalid(f"股权比例须大于 0% 且不超过 100%: {text!r}")
    return value


def format_stake(value: int) -> str:
    whole, frac = divmod(value, STAKE_UNIT)
    text = f"{whole}.{frac:04d}".rstrip("0").rstrip(".")
    return text


def score(text: str) -> str:
    """An evaluation score, 0–100 with up to two decimals, kept as text."""
    if odd_digit(str(text)) is not None:
        raise invalid(f"不是评分: {text!r} 含有 {describe(odd_digit(str(text)) or '')}")
    word = unicodedata.normalize("NFKC", str(text)).strip()
    if not re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{1,2})?", word) or Decimal(word) > 100:
        raise invalid(f"不是评分: {text!r} (0 至 100, 最多 2 位小数)")
    return word


def text(value: str, limit: int = 200) -> str:
    """A free-text field (names, reasons): not empty, not absurdly long, no control characters."""
    word = value.strip() if isinstance(value, str) else ""
    if not word:
        raise invalid("不能为空")
    if len(word) > limit:
        raise invalid(f"超过 {limit} 个字符")
    if any(unicodedata.category(ch) == "Cc" for ch in word):
        raise invalid("不能含有控制字符")
    return word
