"""Batch entry: JSON Lines of commands, each line all-or-nothing, committed in groups for speed.

Lines run one after another against one ``UnitOfWork``; every ``group_size``
lines its aggregates are saved in one transaction. A refused line triggers
no event (every check comes before the first event), so the group can still
commit the lines around it. If a refusal ever did leave events behind, or a
concurrent writer wins a race on the group, the group is thrown away and its
lines are run again one transaction each — nothing of a group is saved
unless all of it is. Re-running a batch after a crash skips the lines that
were committed (exact repeats) and applies the rest: each line exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from eventsourcing.persistence import PersistenceError

from . import commands as c
from . import errors, storage
from .errors import LedgerError
from .service import GrantLedger, UnitOfWork, backoff, execute, handle, lost_race, new_keys, storage_errors

STORAGE_CODES = (errors.STORAGE, errors.OUTCOME_UNKNOWN)


@dataclass
class Outcome:
    line: int
    status: str  # applied | skipped | failed
    code: str | None = None
    message: str | None = None
    note: str | None = None  # said to the clerk beside an applied line (e.g. why a payment waits for approval)


@dataclass
class Summary:
    applied: int = 0
    skipped: int = 0
    failed: int = 0
    events: int = 0
    errors: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.status == "failed":
            self.errors.append(outcome)


MAX_LINE = 64 * 1024  # characters in one line: a command is a few hundred


def parse_line(text: str) -> c.Command:
    """One JSON object → a command; ``fund-appropriate`` names ``fund appropriate``."""
    if len(text) > MAX_LINE:
        raise errors.invalid(f"该行长 {len(text):,} 个字符; 最多 {MAX_LINE:,} 个")
    if not _utf8(text):
        raise errors.invalid("该行不是有效的 UTF-8 文本 (请把文件另存为 UTF-8)")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.invalid(f"不是 JSON 对象: 第 {exc.colno} 个字符处格式有误") from exc
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits; arrays nested thousands deep
        raise errors.invalid("不是批量可接受的 JSON 对象: 数字过长或嵌套过深") from exc
    if isinstance(raw, dict) and not all(_utf8(k) and (not isinstance(v, str) or _utf8(v)) for k, v in raw.items()):
        raise errors.invalid('该行含有孤立的代理字符 (如 "\\udfff" 这样的转义), 不是文本, 请重新输入')
    if not isinstance(raw, dict) or not isinstance(raw.get("cmd"), str):
        raise errors.invalid('每行须为带 "cmd" 的 JSON 对象, 如 {"cmd": "disburse", …}')
    name = raw.pop("cmd").strip()
    if name not in c.WRITE_COMMANDS:
        name = name.replace("-", " ", 1)
    if name == "init":
        raise errors.invalid("init 不能在批处理中运行")
    return c.build(name, raw)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse(number: int, text: str) -> tuple[c.Command | None, Outcome | None]:
    try:
        return parse_line(text), None
    except LedgerError as error:
        return None, Outcome(number, "failed", error.code, error.message)
    except Exception as exc:  # parsing writes nothing: whatever a line holds, it is refused, and the batch goes on
        return None, Outcome(number, "failed", errors.INVALID_INPUT, f"the line cannot be read ({type(exc).__name__})")


def _groups(lines: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    group: list[tuple[int, str]] = []
    for number, text in lines:
        if text.strip():
            group.append((number, text))
            if len(group) == size:
                yield group
                group = []
    if group:
        yield group


@dataclass
class BatchRunner:
    app: GrantLedger
    actor: str
    group_size: int = 500
    after_commit: Callable[[], object] | None = None
    progress: Callable[[int], None] | None = None
    # after a close is committed: seal the books as they stand (as ``close`` does); returns a note, or None
    after_close: Callable[[], str | None] | None = None
    _group_first: int = 1

    def run(self, lines: Iterable[tuple[int, str]], stop_on_error: bool = False) -> Summary:
        summary = Summary()
        uow = UnitOfWork(self.app)
        for chunk in _groups(lines, self.group_size):
            self._group_first = chunk[0][0]  # the lines before it are committed
            parsed = [(number, *_parse(number, text)) for number, text in chunk]
            uow.prefetch([key for _, command, _ in parsed if command for key in new_keys(command)])
            group: list[tuple[int, c.Command | None, Outcome]] = []
            stop = False
            for number, command, failure in parsed:
                outcome = failure or self._line(uow, number, command)
                group.append((number, command, outcome))
                if outcome.status == "dirty":
                    uow = self._redo(group, summary)
                    group = []
                elif outcome.status == "applied" and isinstance(command, c.Close) and self.after_close:
                    uow = self._commit(uow, group, summary)  # the close's group ends with it: then it is sealed
                    group = []
                    self._sealed(number, summary)
                if stop_on_error and (outcome.status == "failed" or summary.failed):
                    stop = True
                    break
            if group:
                uow = self._commit(uow, group, summary)
            if stop:
                break
        return summary

    def _line(self, uow: UnitOfWork, number: int, command: c.Command) -> Outcome:
        uow.next_command()
        try:
            with storage_errors(self.app):
                result = handle(uow, command, self.actor)
        except LedgerError as error:
            if error.code in STORAGE_CODES:  # the store, not the line: stop here and say how far it got
                raise self._stopped(number, number, error, written_before=self._group_first) from error
            if uow.command_changed_anything():
                return Outcome(number, "dirty")
            return Outcome(number, "failed", error.code, error.message)
        return Outcome(number, "applied" if result.changed else "skipped", note=result.note)

    def _commit(self, uow: UnitOfWork, group: list, summary: Summary) -> UnitOfWork:
        try:
            summary.events += uow.commit()
        except PersistenceError as exc:
            if lost_race(exc):
                backoff(0)
                return self._redo(group, summary)
            self._settle(uow, group, summary, exc)
        for _, _, outcome in group:
            summary.count(outcome)
            if outcome.note:
                summary.notes.append(f"第 {outcome.line} 行: {outcome.note}")
        self._done(group)
        # Keep what was loaded for the next group, unless the cache grows large.
        return uow if len(uow.seen) < 20_000 else UnitOfWork(self.app)

    def _settle(self, uow: UnitOfWork, group: list, summary: Summary, exc: PersistenceError) -> None:
        """The store failed at a group's commit: carry on if it was written after all, else stop and say so."""
        first, last = group[0][0], group[-1][0]
        written = storage.written(self.app, uow.attempted)
        if written is True:
            summary.events += len(uow.attempted)
            summary.notes.append(f"第 {first}-{last} 行: " + storage.COMMITTED_NOTE.format(gist=storage.gist(exc)))
            return
        if written is False:
            raise self._stopped(first, last, storage.failure(self.app.store, exc, written=False)) from exc
        raise self._stopped(first, last, storage.unknown(self.app.store, exc)) from exc

    def _stopped(self, first: int, last: int, error: LedgerError, written_before: int | None = None) -> LedgerError:
        lines = f"第 {first} 行" if first == last else f"第 {first}-{last} 行"
        return LedgerError(
            error.code,
            f"批量命令停在{lines} (第 {written_before or first} 行之前的各行已写入); {error.message}。"
            "请重新运行同一个批量文件: 已写入的行作为完全相同的重复会被跳过",
        )

    def _redo(self, group: list, summary: Summary) -> UnitOfWork:
        """Nothing of this group was saved: run its lines again, one transaction each."""
        for number, command, outcome in group:
            if command is None:
                summary.count(outcome)
                continue
            try:
                result = execute(self.app, command, self.actor)
                summary.events += result.events
                summary.count(Outcome(number, "applied" if result.changed else "skipped"))
            except LedgerError as error:
                if error.code in STORAGE_CODES:
                    raise self._stopped(number, number, error) from error
                summary.count(Outcome(number, "failed", error.code, error.message))
                continue
            if result.note:
                summary.notes.append(f"第 {number} 行: {result.note}")
            if result.changed and isinstance(command, c.Close) and self.after_close:
                self._done([])
                self._sealed(number, summary)
        self._done(group)
        return UnitOfWork(self.app)

    def _sealed(self, number: int, summary: Summary) -> None:
        assert self.after_close is not None
        note = self.after_close()
        if note:
            summary.notes.append(f"第 {number} 行: {note}")

    def _done(self, group: list) -> None:
        if self.after_commit:
            self.after_commit()
        if self.progress and group:
            self.progress(group[-1][0])
