"""A policy clause as a clerk reads it: where it comes from, what it allows, from when to when — in words.

``policy show`` prints this as its table. The rule's machine form (``_rule`` in
``cli.policy``: amounts in 元, flags) stays in JSON for scripts; the notes for
developers (which seed file, which spec section) stay in the catalogue's TOML.
"""

from __future__ import annotations

from decimal import Decimal

from ledger.money import format_human
from ledger.values import GRADES, MODES, UNIT_TYPES

STATUSES = {"issued": "已印发", "announced": "已宣布, 尚未印发 (不能据此申报)"}


def day(text: str | None) -> str:
    """``2024-07-31`` → ``2024年7月31日``."""
    if not text:
        return ""
    year, month, date = text.split("-")
    return f"{int(year)}年{int(month)}月{int(date)}日"


def percent(ratio) -> str:
    value = Decimal(ratio.numerator) / Decimal(ratio.denominator) * 100
    return f"{value.normalize():f}%"


def period(clause) -> str:
    start = f"自{day(clause.effective_from)}起"
    return f"{start}至{day(clause.effective_to)}" if clause.effective_to else f"{start}, 长期有效"


def limits(clause) -> list[tuple[str, str]]:
    """What the clause allows, one line a limit."""
    out: list[tuple[str, str]] = []
    if clause.fixed is not None:
        out.append(("支持标准", f"定额 {format_human(clause.fixed)} (不多不少)"))
    if clause.max is not None:
        out.append(("支持上限", f"最高 {format_human(clause.max)}"))
    if clause.fixed_by_unit_type:
        table = "、".join(f"{UNIT_TYPES.get(k, k)} {format_human(v)}" for k, v in clause.fixed_by_unit_type.items())
        out.append(("按单位类型定额", table))
    if clause.ratio is not None:
        exact = "按此比例足额 (不多不少)" if clause.exact else "最高按此比例"
        out.append(("支持比例", f"{clause.base or '计算基数'}的 {percent(clause.ratio)}, {exact}"))
    elif clause.base:
        out.append(("计算基数", f"{clause.base} (记录, 不按比例)"))
    if clause.grades:
        table = "、".join(
            f"{GRADES.get(k, k)} {format_human(v) if v is not None else '不支持'}" for k, v in clause.grades.items()
        )
        out.append(("按评审等级", table))
    if clause.annual_cap is not None:
        out.append(("单位年度上限", f"同一单位每个自然年合计最高 {format_human(clause.annual_cap)}"))
    if clause.platform:
        life = clause.lifetime_max()
        if life is not None:
            word = clause.platform_word
            out.append(
                (
                    "单位累计上限",
                    f"同一单位同一{word}在本条款有效期内累计最高 {format_human(life)} "
                    f"(批复用 --platform 指明{word}; 未注明的计入每个{word})",
                )
            )
    if clause.once_per_unit:
        out.append(("次数", "每个单位仅限一次"))
    if clause.once_every is not None:
        every = clause.once_every
        out.append(
            ("次数", "每个单位每个自然年仅限一次" if every == 1 else f"每个单位每 {every} 年 (一个认定周期) 仅限一次")
        )
    if clause.shares:
        out.append(("共用记录", f"与 {clause.shares} 共用单位的获奖记录: 次数和累计上限不因取代或细化而重新计算"))
    if clause.case_by_case:
        out.append(("超出上限", "一事一议, 须有例外批复文号 (--exception-doc)"))
    if clause.exception_required:
        out.append(("投资金额", "不设上限, 一事一议, 须有例外批复文号 (--exception-doc)"))
    if clause.unit_types:
        out.append(("适用单位", "、".join(UNIT_TYPES.get(t, t) for t in clause.unit_types)))
    out.append(("资助方式", "、".join(MODES.get(m, m) for m in clause.modes)))
    return out


def successors(clause) -> list[tuple[str, str]]:
    out = []
    for s in clause.superseded_by:
        until = f"至{day(s.until)}" if s.until else ""
        scope = f" ({s.scope})" if s.scope else ""
        out.append(("被取代", f"自{day(s.on)}起{until}由 {s.successor} 取代{scope}, 此后请按新条款申报"))
    if clause.ended_by:
        out.append(("终止", f"由 {clause.ended_by} 终止, 最后一日为{day(clause.effective_to)}"))
    return out


def origin(clause) -> str:
    document = clause.document
    if document.sha256 is None:
        return "随软件提供的政策目录"
    return f"{day(document.loaded_on)} 由 {document.loaded_by} 载入 (文件哈希 {document.sha256[:16]})"


def card(clause) -> dict[str, str]:
    """The clause for a person: Chinese labels in reading order (every value a sentence or a figure)."""
    rows: list[tuple[str, str]] = [
        ("条款编号", clause.id),
        ("条款名称", clause.title),
        ("出处", clause.citation),
        ("发文机关", clause.document.issuer),
        ("原文", clause.quote),
        ("有效期", period(clause)),
        ("状态", STATUSES.get(clause.status, clause.status)),
        *limits(clause),
        *successors(clause),
        ("目录来源", origin(clause)),
    ]
    return {label: value for label, value in rows if value}
