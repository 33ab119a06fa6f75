"""Business dates: ``YYYY-MM-DD``, today in Asia/Shanghai.

Effective dates are the dates a clerk gives (or today, in the bureau's time
zone). They travel through events as ISO strings, which sort as dates do and
need no special transcoding.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .digits import describe, odd_digit

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateError(ValueError):
    """A date that is not a real ``YYYY-MM-DD`` day."""


def today() -> str:
    return datetime.now(SHANGHAI).date().isoformat()


def parse(text: str) -> str:
    """Check a ``YYYY-MM-DD`` date and return it in canonical form."""
    cleaned = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    if isinstance(text, str) and odd_digit(text) is not None:
        raise DateError(f"不是日期: {text!r} 含有 {describe(odd_digit(text) or '')} (格式为 YYYY-MM-DD)")
    if not _ISO.fullmatch(cleaned):
        raise DateError(f"不是日期: {text!r} (格式为 YYYY-MM-DD)")
    try:
        return date.fromisoformat(cleaned).isoformat()
    except ValueError as exc:
        raise DateError(f"日历上没有这一天: {text!r}") from exc


def effective(text: str | None) -> str:
    """The effective date of a recorded fact: given or today, never in the future."""
    if text is None:
        return today()
    day = parse(text)
    if day > today():
        raise DateError(f"业务日期 {day} 晚于今天 ({today()}): 不能记录未来发生的事项")
    return day


def moment(text: str) -> str:
    """A moment (``2025-01-10T18:00``, Asia/Shanghai unless it names a zone) as the UTC ISO text events record."""
    cleaned = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    try:
        when = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise DateError(f"既不是日志位置也不是时间: {text!r} (如 1234 或 2025-01-10T18:00)") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=SHANGHAI)
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def year_of(day: str) -> int:
    return int(day[:4])
