"""Refusals: every way the ledger says no, as a code and a sentence.

The codes are the contract of ``cli.md``; the entry points turn them into
exit statuses. A refusal is raised before any event is triggered, so a
refused command writes nothing.
"""

from __future__ import annotations

# Ledger rules (exit 1)
NOT_IN_FORCE = "NOT_IN_FORCE"
SUPERSEDED = "SUPERSEDED"
NOT_ELIGIBLE = "NOT_ELIGIBLE"
EXCEEDS_CLAUSE_MAX = "EXCEEDS_CLAUSE_MAX"
EXCEEDS_ANNUAL_CAP = "EXCEEDS_ANNUAL_CAP"
ALREADY_AWARDED_ONCE = "ALREADY_AWARDED_ONCE"
INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
EXCEEDS_AWARD = "EXCEEDS_AWARD"
EXCEEDS_AVAILABLE = "EXCEEDS_AVAILABLE"
NEGATIVE_LIST = "NEGATIVE_LIST"
INVALID_STATE = "INVALID_STATE"
DUPLICATE_KEY = "DUPLICATE_KEY"
SAME_ACTOR = "SAME_ACTOR"
TAMPERED = "TAMPERED"
PERIOD_CLOSED = "PERIOD_CLOSED"  # a closed year (结账) refuses money dated inside it
NOT_RELEASED = "NOT_RELEASED"  # 分期拨付: a payment beyond the tranches its milestones have released
PROJECT_CLOSED = "PROJECT_CLOSED"  # 结题: a closed project takes no more payments or spending
# Input (exit 2), references (3), roles (4), concurrency and storage (5)
INVALID_INPUT = "INVALID_INPUT"
NOT_FOUND = "NOT_FOUND"
FORBIDDEN = "FORBIDDEN"
CONFLICT = "CONFLICT"  # only a lost race: concurrent writers kept winning and the retries ran out
STORAGE = "STORAGE"  # the database could not be read or written; the message says whether the command was written
OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"  # the store failed at the commit and could not be asked again: rerun the command

EXIT_CODES = {
    INVALID_INPUT: 2,
    NOT_FOUND: 3,
    FORBIDDEN: 4,
    CONFLICT: 5,
    STORAGE: 5,
    OUTCOME_UNKNOWN: 5,
}


def exit_code(code: str) -> int:
    return EXIT_CODES.get(code, 1)


class LedgerError(Exception):
    """A refusal with a code from cli.md and a message a finance clerk understands."""

    def __init__(self, code: str, message: str, missing: tuple[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.missing = missing  # (kind, key) of a reference not found, for a "did you mean" from the read models

    def __str__(self) -> str:
        return f"error[{self.code}]: {self.message}"


def invalid(message: str) -> LedgerError:
    return LedgerError(INVALID_INPUT, message)


def not_found(message: str, missing: tuple[str, str] | None = None) -> LedgerError:
    return LedgerError(NOT_FOUND, message, missing)


def did_you_mean(word: str, choices: list[str], n: int = 3) -> str:
    """A "did you mean" tail for a message (empty when nothing is close enough)."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=n, cutoff=0.6)
    return f"; 是否要找: {', '.join(close)}?" if close else ""


# What the operating system said about a file, in words (its own ``strerror`` is English).
_OS_WORDS = {
    "ENOENT": "路径不存在",
    "EACCES": "没有权限",
    "EPERM": "不允许的操作",
    "EISDIR": "这是一个目录, 不是文件",
    "ENOTDIR": "路径中有一段不是目录",
    "ENOSPC": "磁盘已满",
    "EROFS": "文件系统只读",
    "EEXIST": "已经存在",
    "ENAMETOOLONG": "文件名太长",
    "EMFILE": "打开的文件太多",
    "EIO": "磁盘读写出错",
}


def os_words(exc: OSError) -> str:
    """``[Errno 2] No such file or directory`` → ``路径不存在`` (the error number kept for what is not listed)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_WORDS.get(name) or (f"系统错误 {name} (错误号 {exc.errno})" if exc.errno else "系统错误")
