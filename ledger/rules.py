"""The rule engine: small pure functions over (clause, application, unit, history).

Each check either passes or raises a ``LedgerError`` whose message names the
clause, its source and the numbers. ``quote`` answers "how much may this unit
be awarded under this clause now?" as the smallest of every limit that
applies, after the unit's yearly cap already used, with the reasons that
bound it; ``check_award`` refuses an amount the quote does not allow. The
award path and ``policy quote`` both go through ``quote``, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import errors
from .clauses import CITIES, Clause
from .errors import LedgerError
from .money import Fen, format_human
from .values import GRADES, MODES, UNIT_TYPES


@dataclass(frozen=True)
class Limit:
    amount: int
    reason: str


@dataclass(frozen=True)
class Quote:
    clause: Clause
    max: int | None  # None: the clause sets no ceiling (一事一议)
    fixed: int | None  # a fixed award must be exactly this
    clause_max: int | None  # the ceiling from the clause alone, before the yearly cap
    limits: tuple[Limit, ...]
    reasons: tuple[str, ...]
    refusal: LedgerError | None


def source(clause: Clause) -> str:
    """``[qd2024-14-hnte-first, 《…》青政字〔2024〕20号 14.]`` — appended to every refusal."""
    return f"[{clause.id}, {clause.citation}]"


def _refuse(code: str, clause: Clause, message: str) -> LedgerError:
    return LedgerError(code, f"{message} {source(clause)}")


# -- what can be known when the application is submitted ----------------------


def check_announced(clause: Clause, day: str) -> None:
    if clause.status == "announced":
        check_not_superseded(clause, day)
        raise _refuse(
            errors.NOT_IN_FORCE,
            clause,
            f'条款"{clause.title}"只是发布会上宣布的政策, 尚未印发, 不能据此申报; '
            "正式文件印发后, 由管理员按文件写成政策文件并运行 grantledger policy load FILE 载入 "
            "(格式见 docs/policy-format.md), 再按新条款申报",
        )


def check_in_force(clause: Clause, day: str) -> None:
    check_announced(clause, day)
    if day < clause.effective_from or (clause.effective_to is not None and day > clause.effective_to):
        window = f"{clause.effective_from} 至 {clause.effective_to or '长期'}"
        raise _refuse(errors.NOT_IN_FORCE, clause, f'条款"{clause.title}"有效期为 {window}, {day} 不在有效期内')


def check_not_superseded(clause: Clause, day: str) -> None:
    successors = [s for s in clause.superseded_by if s.applies(day)]
    if successors:
        names = "; ".join(f"{s.successor}{f' ({s.scope})' if s.scope else ''}" for s in successors)
        until = f"至 {successors[0].until} " if successors[0].until else ""
        raise _refuse(
            errors.SUPERSEDED,
            clause,
            f'条款"{clause.title}"自 {successors[0].on} 起{until}由 {names} 取代或细化, {day} 的申报请按 {names} 申报',
        )


def eligible_unit_types(clause: Clause) -> tuple[str, ...] | None:
    if clause.unit_types is not None:
        return clause.unit_types
    return tuple(clause.fixed_by_unit_type) if clause.fixed_by_unit_type is not None else None


def check_unit_type(clause: Clause, unit_type: str) -> None:
    allowed = eligible_unit_types(clause)
    if allowed is not None and unit_type not in allowed:
        names = "、".join(UNIT_TYPES[t] for t in allowed)
        raise _refuse(
            errors.NOT_ELIGIBLE, clause, f'条款"{clause.title}"只适用于{names}, 申报单位类型为{UNIT_TYPES[unit_type]}'
        )


def region_name(region: str) -> str:
    for prefix, name in CITIES.values():
        if region.startswith(prefix):
            return f"{name} ({region})"
    if region.endswith("0000"):
        return f"省级或国家级登记机关 ({region}), 需用 unit register --region 指明所在城市"
    return f"行政区划 {region}"


def check_region(clause: Clause, region: str | None) -> None:
    """A city's clauses are for units registered there (统一社会信用代码 characters 3–8, or the recorded region)."""
    if region is None:
        return
    prefix, city = CITIES[clause.document.city]
    if not region.startswith(prefix):
        raise _refuse(
            errors.NOT_ELIGIBLE,
            clause,
            f'条款"{clause.title}"是{city}政策, 只适用于在{city} ({prefix}xx) 登记的单位, '
            f"申报单位登记在{region_name(region)}",
        )


def check_submission(clause: Clause, unit_type: str, day: str, region: str | None = None) -> None:
    check_in_force(clause, day)
    check_not_superseded(clause, day)
    check_unit_type(clause, unit_type)
    check_region(clause, region)


# -- what the award decides ---------------------------------------------------


def check_grade(clause: Clause, grade: str | None) -> None:
    if grade is None:
        return
    if grade == "fail":
        raise _refuse(errors.NOT_ELIGIBLE, clause, "评估结果为不合格, 不予支持")
    if clause.grades is not None and grade not in clause.grades:
        listed = "、".join(GRADES[g] for g in clause.grades)
        raise _refuse(
            errors.NOT_ELIGIBLE, clause, f'条款"{clause.title}"只支持评估等级为{listed}的, 本次为{GRADES[grade]}'
        )


def check_mode(clause: Clause, mode: str) -> None:
    if mode not in clause.modes:
        allowed = "、".join(f"{m}({MODES[m]})" for m in clause.modes)
        raise _refuse(
            errors.NOT_ELIGIBLE, clause, f'条款"{clause.title}"的支持方式只能是 {allowed}, 不能以 {mode} 批复'
        )


def clause_limits(clause: Clause, unit_type: str, grade: str | None, base: int | None) -> list[Limit]:
    """Every ceiling the clause itself puts on one award."""
    limits = []
    if clause.max is not None:
        limits.append(Limit(clause.max, f"条款上限 {format_human(clause.max)}"))
    if clause.fixed is not None:
        limits.append(Limit(clause.fixed, f"定额 {format_human(clause.fixed)}"))
    if clause.fixed_by_unit_type is not None and unit_type in clause.fixed_by_unit_type:
        amount = clause.fixed_by_unit_type[unit_type]
        limits.append(Limit(amount, f"{UNIT_TYPES[unit_type]}定额 {format_human(amount)}"))
    if clause.grades is not None:
        if grade is not None and grade in clause.grades:
            amount = clause.grades[grade]
            limits.append(Limit(amount, f"评估等级{GRADES[grade]}上限 {format_human(amount)}"))
        elif grade is None:
            amount = max(clause.grades.values())
            table = ", ".join(f"{GRADES[g]} {format_human(a)}" for g, a in clause.grades.items())
            limits.append(Limit(amount, f"按评估等级 ({table}), 最高 {format_human(amount)}"))
    if clause.ratio is not None and base is not None:
        amount = exact_ratio(clause, base) if clause.exact else int(clause.ratio * base)
        limits.append(
            Limit(amount, f"{clause.base} {format_human(base)} × {_ratio_text(clause)} = {format_human(amount)}")
        )
    return limits


def exact_ratio(clause: Clause, base: int) -> int:
    """ratio × base rounded half-up to the 分 (「根据实际投资额10%给予奖励」)."""
    product = clause.ratio * base
    return int(product.numerator * 2 + product.denominator) // (2 * product.denominator)


def _ratio_text(clause: Clause) -> str:
    ratio = clause.ratio
    return f"{ratio.numerator}/{ratio.denominator}" if ratio.denominator != 1 else str(ratio.numerator)


def fixed_amount(clause: Clause, unit_type: str) -> int | None:
    if clause.fixed is not None:
        return clause.fixed
    if clause.fixed_by_unit_type is not None:
        return clause.fixed_by_unit_type.get(unit_type)
    return None


def quote(
    clause: Clause,
    unit_type: str,
    day: str,
    grade: str | None = None,
    base: int | None = None,
    cap_used: int = 0,
    once_taken_by: str | None = None,
    life_used: int = 0,
    region: str | None = None,
    *,
    platform: str | None = None,
    legacy: int = 0,
    period_taken: tuple = (),
    year: int | None = None,
) -> Quote:
    """The most that may be awarded, the reasons that bound it, or why nothing may be.

    ``life_used`` is the lifetime total of the named ``platform`` (``legacy`` of it: awards before platforms
    were named); ``period_taken`` the (application, year) of an award the clause's yearly or cycle limit rules
    out in ``year``.
    """
    refusal = None
    try:
        check_submission(clause, unit_type, day, region)
        check_grade(clause, grade)
        if once_taken_by is not None:
            shared = f", 与 {clause.record} 共用记录" if clause.shares else ""
            raise _refuse(
                errors.ALREADY_AWARDED_ONCE,
                clause,
                f'该单位已获"{clause.title}" (申报 {once_taken_by}{shared}), 每单位仅限一次',
            )
        if period_taken:
            raise _refuse(errors.ALREADY_AWARDED_ONCE, clause, _period_words(clause, period_taken, year))
    except LedgerError as exc:
        refusal = exc
    limits = clause_limits(clause, unit_type, grade, base)
    reasons = [limit.reason for limit in limits]
    if clause.ratio is not None and base is None:
        reasons.append(f"按{clause.base}的 {_ratio_text(clause)} 计算, 需提供基数 (--base)")
    elif clause.base is not None and clause.ratio is None and base is not None:
        reasons.append(f"{clause.base} {format_human(base)} (记录, 不按比例)")
    clause_max = min((limit.amount for limit in limits), default=None)
    if clause.case_by_case:
        reasons.append("超出上限须一事一议, 提供例外批复文号 (--exception-doc)")
    if clause.exception_required:
        reasons.append("投资金额不设上限, 一事一议, 须提供例外批复文号 (--exception-doc)")
    ceiling = clause_max
    if clause.annual_cap is not None:
        remaining = max(clause.annual_cap - cap_used, 0)
        reasons.append(
            f"单位年度上限 {format_human(clause.annual_cap)} ({clause.cap_group}), "
            f"已用 {format_human(cap_used)}, 剩余 {format_human(remaining)}"
        )
        ceiling = remaining if ceiling is None else min(ceiling, remaining)
    lifetime = clause.lifetime_max(unit_type)
    if lifetime is not None:
        remaining = max(lifetime - life_used, 0)
        lifted = ", 一事一议可超出" if clause.case_by_case else ""
        word = clause.platform_word
        which = f"{word} {platform}" if platform is not None else f"未注明{word}的奖励 (另一{word}用 --platform 指明)"
        earlier = f" (含未注明{word}或共用记录的奖励 {format_human(legacy)})" if legacy else ""
        reasons.append(
            f"平台类条款, 按{which}累计上限 {format_human(lifetime)}, 已获 {format_human(life_used)}{earlier}, "
            f"剩余 {format_human(remaining)}{lifted}"
        )
        ceiling = remaining if ceiling is None else min(ceiling, remaining)
    if clause.once_per_unit:
        reasons.append("每单位仅限一次")
    if clause.once_every is not None:
        reasons.append("每单位每年仅限一次" if clause.once_every == 1 else f"每单位每 {clause.once_every} 年仅限一次")
    if clause.shares:
        reasons.append(f"与 {clause.record} 共用单位记录 (取代或细化后累计不重新计算)")
    exact = fixed_amount(clause, unit_type)
    if clause.exact and clause_max is not None:
        exact = clause_max if ceiling is None else min(clause_max, ceiling)
        reasons.append(f"按比例确定的金额, 须恰为 {format_human(exact)}")
    if refusal is not None:
        reasons.insert(0, f"不可批复: {refusal.message}")
        ceiling = 0
    return Quote(clause, ceiling, exact, clause_max, tuple(limits), tuple(reasons), refusal)


def _period_words(clause: Clause, taken: tuple, year: int | None) -> str:
    ref, when = taken
    every = clause.once_every or 1
    if every == 1:
        return f'该单位 {when} 年已获"{clause.title}" (申报 {ref}), 每单位每年仅限一次'
    return (
        f'该单位 {when} 年已获"{clause.title}" (申报 {ref}), 每单位每 {every} 年仅限一次 '
        f"(认定周期 {every} 年), {year} 年不能再批, 最早 {when + every} 年"
    )


def check_award(q: Quote, amount: Fen, exception_doc: str | None) -> None:
    """Refuse an amount above what the clause allows (the yearly cap is the cap aggregate's)."""
    clause = q.clause
    if q.refusal is not None:
        raise q.refusal
    if q.fixed is not None and amount < q.fixed:
        what = "按比例确定的金额" if clause.exact else "定额奖补"
        raise _refuse(
            errors.NOT_ELIGIBLE,
            clause,
            f'条款"{clause.title}"为{what} {format_human(q.fixed)}, 本次 {format_human(amount)} 与之不符',
        )
    if q.clause_max is None:
        if clause.exception_required and exception_doc is None:
            raise _refuse(
                errors.EXCEEDS_CLAUSE_MAX,
                clause,
                f'条款"{clause.title}"不设上限, 一事一议: 本次 {format_human(amount)} '
                "须提供例外批复文号 (--exception-doc)",
            )
        return
    if amount > q.clause_max and not (clause.case_by_case and exception_doc is not None):
        binding = "; ".join(limit.reason for limit in q.limits if limit.amount == q.clause_max)
        hint = ", 一事一议须提供例外批复文号 (--exception-doc)" if clause.case_by_case else ""
        raise _refuse(
            errors.EXCEEDS_CLAUSE_MAX,
            clause,
            f'条款"{clause.title}"最多可批 {format_human(q.clause_max)} ({binding}), '
            f"本次 {format_human(amount)} 超出 {format_human(amount - q.clause_max)}{hint}",
        )


def check_equity_split(clause: Clause, mode: str, amount: Fen, equity_amount: int | None) -> None:
    check_mode(clause, mode)
    if mode == "mixed":
        if equity_amount is None or not 0 < equity_amount < amount:
            raise errors.invalid(
                f"拨投结合 (mixed) 须用 --equity-amount 指明股权投资部分, 且小于批复金额 {format_human(amount)}"
            )
    elif equity_amount is not None:
        raise errors.invalid(f"--equity-amount 只用于拨投结合 (mixed), 本次方式为 {mode}")
