"""The policy catalogue: every funding clause as data, with its citation.

One TOML file per source document lives in ``ledger/policies/``. Each
clause carries the sentence of the seed it comes from and its rule: a max,
a fixed amount (perhaps by unit type), a ratio of a stated base, a grade
table, eligible unit types, a per-unit yearly cap group, once per unit, an
in-force window, supersession, case-by-case exceptions and funding modes.

Loading validates everything and fails loudly (``CatalogueError`` naming the
file and clause); a catalogue that loads is one the rule engine can trust.
The format is described in ``ledger/policies/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import MappingProxyType

from . import dates, money
from .money import Fen
from .values import CITIES, GRADES, MODES, UNIT_TYPES

POLICY_DIR = Path(__file__).with_name("policies")

_DOCUMENT_KEYS = {
    "id",
    "title",
    "doc_number",
    "issuer",
    "issued",
    "seeds",
    "effective_from",
    "effective_to",
    "city",
    "note",
    "ends",
}
_CLAUSE_KEYS = {
    "id",
    "title",
    "item",
    "seed",
    "quote",
    "note",
    "max",
    "fixed",
    "fixed_by_unit_type",
    "ratio",
    "base",
    "grades",
    "unit_types",
    "annual_cap",
    "cap_group",
    "once_per_unit",
    "case_by_case",
    "exception_required",
    "modes",
    "superseded_by",
    "effective_from",
    "effective_to",
    "status",
    "platform",
    "exact",
    "supersedes",
    "shares",
    "once_per",
    "platform_word",
}
_SUPERSESSION_KEYS = {"clause", "on", "until", "scope"}
_END_KEYS = {"clause", "last_day"}
STATUSES = ("issued", "announced")


class CatalogueError(ValueError):
    """A policy file that does not describe a valid catalogue."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    doc_number: str | None
    issuer: str
    issued: str
    seeds: tuple[str, ...]
    city: str
    # Where the document came from: shipped with the package (all None), or loaded with ``policy load``.
    loaded_by: str | None = None
    loaded_on: str | None = None
    sha256: str | None = None
    note: str | None = None

    @property
    def origin(self) -> str:
        if self.sha256 is None:
            return "shipped"
        return f"loaded by {self.loaded_by} on {self.loaded_on}, sha256 {self.sha256}"

    @property
    def origin_words(self) -> str:
        """Where the document came from, as a refusal says it."""
        if self.sha256 is None:
            return "随软件提供"
        return f"{self.loaded_on} 由 {self.loaded_by} 载入, sha256 {self.sha256}"


@dataclass(frozen=True)
class Supersession:
    successor: str
    on: str
    scope: str | None
    until: str | None = None  # last day of the supersession (open: for good)

    def applies(self, day: str) -> bool:
        return self.on <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    document: Document
    item: str
    seed: str
    quote: str
    effective_from: str
    effective_to: str | None
    max: Fen | None = None
    fixed: Fen | None = None
    fixed_by_unit_type: Mapping[str, Fen] | None = None
    ratio: Fraction | None = None
    base: str | None = None
    grades: Mapping[str, Fen | None] | None = None
    unit_types: tuple[str, ...] | None = None
    annual_cap: Fen | None = None
    cap_group: str | None = None
    once_per_unit: bool = False
    case_by_case: bool = False
    exception_required: bool = False
    modes: tuple[str, ...] = ("grant",)
    superseded_by: tuple[Supersession, ...] = ()
    note: str | None = None
    status: str = "issued"  # "announced": named in a briefing, never issued; nothing is in force under it
    platform: bool = False  # per unit, the sum of awards under the clause never exceeds its max, over its life
    exact: bool = False  # the ratio is exact (「按…1:1配套」), not a ceiling
    supersedes: tuple[tuple[str, Supersession], ...] = ()  # (earlier clause, how): set by a loaded document
    # Third edition. ``shares``: the clause whose record of a unit (once-per-unit mark, lifetime totals, yearly
    # marks) this one keeps too — resolved to the first clause of the chain when the catalogue is built.
    shares: str | None = None
    once_per: str | None = None  # "year" or "cycle:N": once per unit per calendar year, or per N-year cycle
    platform_word: str = "平台"  # what a platform clause counts by: 平台, or 奖项 (a 技术市场奖励's 配套)
    ended_by: str | None = None  # the loaded document (文号) whose ``ends`` set effective_to

    @property
    def record(self) -> str:
        """The key a unit's record under this clause is kept by: its own id, or the clause it shares one with."""
        return self.shares or self.id

    @property
    def once_every(self) -> int | None:
        """Years between two awards to one unit (1: once a year), or None."""
        if self.once_per is None:
            return None
        return 1 if self.once_per == "year" else int(self.once_per.partition(":")[2])

    def lifetime_max(self, unit_type: str | None = None) -> Fen | None:
        """For a platform clause, the most one unit (of this type) may receive under it, ever; else None."""
        if not self.platform:
            return None
        amounts = [a for a in (self.max, self.fixed) if a is not None]
        if self.fixed_by_unit_type:
            table = self.fixed_by_unit_type
            amounts.append(table[unit_type] if unit_type in table else max(table.values()))
        if self.grades:
            amounts.append(max(self.grades.values()))
        return min(amounts) if amounts else None

    @property
    def citation(self) -> str:
        """《title》文号 item — the short form used in messages."""
        number = f" {self.document.doc_number}" if self.document.doc_number else ""
        return f"《{self.document.title}》{number} {self.item}".strip()


@dataclass(frozen=True)
class Catalogue:
    clauses: Mapping[str, Clause]

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses.values())

    def __len__(self) -> int:
        return len(self.clauses)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self.clauses

    def get(self, clause_id: str) -> Clause | None:
        return self.clauses.get(clause_id)

    def in_force(self, day: str) -> list[Clause]:
        return [
            c
            for c in self
            if c.status == "issued" and c.effective_from <= day and (c.effective_to is None or day <= c.effective_to)
        ]

    def documents(self) -> dict[str, Document]:
        return {c.document.id: c.document for c in self}

    def with_document(self, loaded: Loaded) -> Catalogue:
        """This catalogue and a loaded document's clauses: its supersessions and ends applied to earlier clauses.

        Refuses (``CatalogueError``, naming the line) a document or clause id already in the catalogue — a clause
        once defined is never rewritten; a correction is a new version with its own id — and any reference to a
        clause that is not there, or belongs to another city.
        """
        where = loaded.name
        document = loaded.clauses[0].document
        existing = self.documents().get(document.id)
        if existing is not None:
            raise CatalogueError(
                f"{where}:{loaded.lines['document']}: 文件编号 {document.id} 已在政策目录中 "
                f"({existing.origin_words}); 新版本须用新的编号"
            )
        clauses = dict(self.clauses)
        for clause in loaded.clauses:
            line = loaded.lines.get(clause.id, "?")
            earlier = clauses.get(clause.id)
            if earlier is not None:
                raise CatalogueError(
                    f"{where}:{line}: 条款 {clause.id} 已在政策目录中 ({earlier.document.origin_words}); "
                    "条款永不改写: 新版本须用新的编号"
                )
            clauses[clause.id] = clause
        for clause in loaded.clauses:
            line = loaded.lines.get(clause.id, "?")
            for predecessor_id, how in clause.supersedes:
                predecessor = _earlier(clauses, predecessor_id, document, f"{where}:{line}: 条款 {clause.id}")
                clauses[predecessor_id] = replace(predecessor, superseded_by=(*predecessor.superseded_by, how))
        for clause_id, last_day in loaded.ends:
            here = f"{where}:{loaded.lines.get('ends', '?')}: ends (终止)"
            predecessor = _earlier(clauses, clause_id, document, here)
            if last_day < predecessor.effective_from:
                raise CatalogueError(f"{here}: {clause_id} 自 {predecessor.effective_from} 起才生效")
            if predecessor.effective_to is None or last_day < predecessor.effective_to:
                ender = document.doc_number or document.id
                clauses[clause_id] = replace(predecessor, effective_to=last_day, ended_by=ender)
        try:
            clauses = _resolve_shares(clauses, {c.id for c in loaded.clauses})
            _check_successors(clauses)
        except CatalogueError as exc:
            raise CatalogueError(f"{where}: {exc}") from exc
        return Catalogue(MappingProxyType(clauses))


def _earlier(clauses: Mapping[str, Clause], clause_id: str, document: Document, here: str) -> Clause:
    clause = clauses.get(clause_id)
    if clause is None:
        raise CatalogueError(f"{here}: 条款 {clause_id} 不在政策目录中")
    if clause.document.id == document.id:
        raise CatalogueError(f"{here}: {clause_id} 在同一文件中; 文件只能取代以前的文件的条款")
    if clause.document.city != document.city:
        raise CatalogueError(f"{here}: {clause_id} 是 {clause.document.city} 的条款, 本文件是 {document.city} 的")
    return clause


@dataclass(frozen=True)
class Loaded:
    """A policy document read from text: its clauses, what it ends, and the line of each id (for messages)."""

    name: str
    clauses: tuple[Clause, ...]
    ends: tuple[tuple[str, str], ...]
    lines: Mapping[str, int]


@cache
def default() -> Catalogue:
    """The catalogue shipped with the package (loaded once per process)."""
    return load(POLICY_DIR)


def load(directory: Path) -> Catalogue:
    clauses: dict[str, Clause] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogueError(f"{directory} 中没有政策文件 (*.toml)")
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogueError(f"{path.name}: {exc}") from exc
        loaded = read(text, path.name)
        if loaded.ends or any(c.supersedes for c in loaded.clauses):
            raise CatalogueError(f"{path.name}: 随软件提供的文件在旧条款上写明被取代 (superseded_by)")
        for clause in loaded.clauses:
            if clause.id in clauses:
                raise CatalogueError(f"{path.name}: 条款 {clause.id} 定义了两次")
            clauses[clause.id] = clause
    clauses = _resolve_shares(clauses, set(clauses))
    _check_successors(clauses)
    return Catalogue(MappingProxyType(clauses))


def with_documents(shipped: Catalogue, documents: list[dict]) -> Catalogue:
    """The catalogue with the documents loaded by ``policy load`` applied in order (the policy register's
    documents, or its ``Loaded`` events' fields: text, file_name, actor, on, sha256)."""
    catalogue = shipped
    for d in documents:
        origin = Origin(d["actor"], d["on"], d["sha256"])
        catalogue = catalogue.with_document(read(d["text"], d["file_name"], origin))
    return catalogue


@dataclass(frozen=True)
class Origin:
    """Who loaded a document, when, and the sha256 of its bytes (a loaded document has no seed file)."""

    actor: str
    on: str
    sha256: str


_HEADER = re.compile(r"^\s*(\[\[\s*clauses\s*\]\]|\[\s*document\s*\]|ends\s*=)")


def _lines(text: str) -> tuple[int | None, list[int], int | None]:
    """The line numbers of ``[document]``, of each ``[[clauses]]`` and of ``ends =``."""
    document, clauses, ends = None, [], None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match is None:
            continue
        word = match.group(1)
        if word.startswith("[["):
            clauses.append(number)
        elif word.startswith("["):
            document = document or number
        else:
            ends = ends or number
    return document, clauses, ends


def read(text: str, name: str, origin: Origin | None = None) -> Loaded:
    """One policy document from its text. Shipped files need seeds; a loaded one (``origin``) needs its 文号."""
    import tomllib  # only when a document is read: a payment never reads one

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f"第 {found[1]} 行第 {found[2]} 列" if found else "某处"
        raise CatalogueError(f'{name}: 不是有效的 TOML, {where}格式有误 (如金额须加引号: max = "500万")') from exc
    doc_line, clause_lines, ends_line = _lines(text)
    where = f"{name}:{doc_line or 1} [document]"
    doc_data = _table(data.get("document"), where)
    _no_unknown_keys(doc_data, _DOCUMENT_KEYS, where)
    unknown = sorted(set(data) - {"document", "clauses"})
    if unknown:
        raise CatalogueError(f"{name}: 不认识的顶层表 {unknown} (应为 [document] 和 [[clauses]])")
    city = _text(doc_data, "city", where)
    if city not in CITIES:
        raise CatalogueError(f"{where}: city 须是 {sorted(CITIES)} 之一, 不是 {city!r}")
    document = Document(
        id=_text(doc_data, "id", where),
        title=_text(doc_data, "title", where),
        doc_number=_text(doc_data, "doc_number", where) if origin else _optional_text(doc_data, "doc_number", where),
        issuer=_text(doc_data, "issuer", where),
        issued=_date(doc_data, "issued", where),
        seeds=tuple(_text_list(doc_data, "seeds", where)) if origin is None or "seeds" in doc_data else (),
        city=city,
        loaded_by=origin.actor if origin else None,
        loaded_on=origin.on if origin else None,
        sha256=origin.sha256 if origin else None,
        note=_optional_text(doc_data, "note", where),
    )
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", document.id):
        raise CatalogueError(f"{where}: 编号 {document.id!r} 只能由小写字母、数字和 '-' 组成")
    window = (_date(doc_data, "effective_from", where), _optional_date(doc_data, "effective_to", where))
    entries = data.get("clauses")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{name}: 没有 [[clauses]] 条款表")
    result = []
    lines: dict[str, int] = {"document": doc_line or 1}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        line = clause_lines[index] if index < len(clause_lines) else (doc_line or 1)
        clause = _clause(_table(entry, f"{name}:{line} [[clauses]]"), document, window, f"{name}:{line}")
        if clause.id in seen:
            raise CatalogueError(f"{name}:{line}: 条款 {clause.id} 定义了两次")
        seen.add(clause.id)
        lines[clause.id] = line
        result.append(clause)
    if ends_line is not None:
        lines["ends"] = ends_line
    return Loaded(name, tuple(result), _ends(doc_data, f"{name}:{ends_line or doc_line} ends"), MappingProxyType(lines))


def _ends(data: dict, here: str) -> tuple[tuple[str, str], ...]:
    entries = data.get("ends", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{here}: ends 须是表的列表")
    result = []
    for entry in entries:
        table = _table(entry, here)
        _no_unknown_keys(table, _END_KEYS, here)
        result.append((_text(table, "clause", here), _date(table, "last_day", here)))
    return tuple(result)


def _clause(data: dict, document: Document, window: tuple[str, str | None], where: str) -> Clause:
    clause_id = _text(data, "id", f"{where} [[clauses]]")
    here = f"{where} 条款 {clause_id}"
    _no_unknown_keys(data, _CLAUSE_KEYS, here)
    if not clause_id.startswith(document.id + "-"):
        raise CatalogueError(f"{here}: 条款编号须以文件编号 {document.id!r} 开头")
    if document.seeds:
        seed = _text(data, "seed", here) if "seed" in data else document.seeds[0]
        if seed not in document.seeds:
            raise CatalogueError(f"{here}: seed {seed!r} 不是文件的来源之一 {document.seeds}")
    else:
        seed = _optional_text(data, "seed", here) or ""
    effective_from = _optional_date(data, "effective_from", here) or window[0]
    effective_to = _optional_date(data, "effective_to", here) if "effective_to" in data else window[1]
    if effective_to is not None and effective_to < effective_from:
        raise CatalogueError(f"{here}: 自 {effective_from} 起生效, 却在更早的 {effective_to} 失效")
    annual_cap = _optional_amount(data, "annual_cap", here)
    if "cap_group" in data and annual_cap is None:
        raise CatalogueError(f"{here}: 有 cap_group 而没有 annual_cap (年度上限)")
    status = _optional_text(data, "status", here) or "issued"
    if status not in STATUSES:
        raise CatalogueError(f"{here}: status 须是 {list(STATUSES)} 之一, 不是 {status!r}")
    clause = Clause(
        id=clause_id,
        title=_text(data, "title", here),
        document=document,
        item=_text(data, "item", here),
        seed=seed,
        quote=_text(data, "quote", here),
        effective_from=effective_from,
        effective_to=effective_to,
        max=_optional_amount(data, "max", here),
        fixed=_optional_amount(data, "fixed", here),
        fixed_by_unit_type=_amount_table(data, "fixed_by_unit_type", UNIT_TYPES, here),
        ratio=_ratio(data, here),
        base=_optional_text(data, "base", here),
        grades=_grade_table(data, here),
        unit_types=_choice_list(data, "unit_types", UNIT_TYPES, here),
        annual_cap=annual_cap,
        cap_group=(_optional_text(data, "cap_group", here) or clause_id) if annual_cap is not None else None,
        once_per_unit=_flag(data, "once_per_unit", here),
        case_by_case=_flag(data, "case_by_case", here),
        exception_required=_flag(data, "exception_required", here),
        modes=_choice_list(data, "modes", MODES, here) or ("grant",),
        superseded_by=_supersessions(data, "superseded_by", here),
        note=_optional_text(data, "note", here),
        status=status,
        platform=_flag(data, "platform", here),
        exact=_flag(data, "exact", here),
        supersedes=tuple(
            (s.successor, replace(s, successor=clause_id)) for s in _supersessions(data, "supersedes", here)
        ),
        shares=_optional_text(data, "shares", here),
        once_per=_optional_text(data, "once_per", here),
        platform_word=_optional_text(data, "platform_word", here) or "平台",
    )
    _check_rule(clause, here)
    return clause


def _check_rule(c: Clause, here: str) -> None:
    if c.fixed is not None and (c.max is not None or c.fixed_by_unit_type is not None):
        raise CatalogueError(f"{here}: 定额 (fixed) 不能再有 max 或 fixed_by_unit_type")
    if c.ratio is not None and c.base is None:
        raise CatalogueError(f"{here}: 比例 (ratio) 须写明计算基数的名称 (base = …)")
    if c.exception_required and (c.max is not None or c.fixed is not None):
        raise CatalogueError(f"{here}: exception_required 表示不设上限, 不能再有 max 或 fixed")
    if c.case_by_case and c.max is None:
        raise CatalogueError(f"{here}: case_by_case (一事一议) 允许超出上限, 所以须有 max")
    limits = (c.max, c.fixed, c.fixed_by_unit_type, c.ratio, c.grades)
    if all(x is None for x in limits) and not c.exception_required:
        raise CatalogueError(f"{here}: 没有任何限额 (max、fixed、ratio、grades), 也没有 exception_required")
    if c.fixed_by_unit_type is not None and c.unit_types is not None:
        if set(c.fixed_by_unit_type) != set(c.unit_types):
            raise CatalogueError(f"{here}: fixed_by_unit_type 与 unit_types 列的单位类型不同")
    if not c.quote.strip():
        raise CatalogueError(f"{here}: quote (原文) 是空的")
    if c.platform and c.lifetime_max() is None:
        raise CatalogueError(f"{here}: platform = true 按最高额累计, 但条款没有最高额")
    if c.exact and c.ratio is None:
        raise CatalogueError(f"{here}: exact = true 使比例足额, 但条款没有比例")
    if c.once_per is not None and not re.fullmatch(r"year|cycle:([2-9]|10)", c.once_per):
        raise CatalogueError(f'{here}: once_per 须是 "year" (每年一次) 或 "cycle:N" (每 N 年一次, N 为 2 至 10)')
    if c.once_per is not None and c.once_per_unit:
        raise CatalogueError(f"{here}: once_per_unit (每单位仅限一次) 与 once_per 不能同时设")
    if c.platform_word != "平台" and not c.platform:
        raise CatalogueError(f"{here}: platform_word 只用于平台类条款 (platform = true)")
    if c.shares == c.id:
        raise CatalogueError(f"{here}: shares 不能指向条款自己")
    if c.exact and (c.max is not None or c.grades is not None):
        raise CatalogueError(f"{here}: 足额比例就是批复金额本身, 不能再有 max 或 grades")


def _resolve_shares(clauses: dict[str, Clause], new: set[str]) -> dict[str, Clause]:
    """Each new clause's ``shares`` checked (a clause of the catalogue, same city, no loop) and resolved to the
    first clause of its chain, so every clause of one record names the same key."""
    for clause_id in sorted(new):
        clause = clauses[clause_id]
        if clause.shares is None:
            continue
        seen, key = {clause.id}, clause.shares
        while True:
            other = clauses.get(key)
            if other is None:
                raise CatalogueError(f"条款 {clause.id}: shares 指向的 {key} 不在政策目录中")
            if other.document.city != clause.document.city:
                raise CatalogueError(f"条款 {clause.id}: shares 指向的 {key} 是另一城市的条款")
            if key in seen:
                raise CatalogueError(f"条款 {clause.id}: shares 形成循环 ({key})")
            seen.add(key)
            if other.shares is None:
                break
            key = other.shares
        if key != clause.shares:
            clauses[clause_id] = replace(clause, shares=key)
    return clauses


def _check_successors(clauses: Mapping[str, Clause]) -> None:
    for clause in clauses.values():
        for s in clause.superseded_by:
            successor = clauses.get(s.successor)
            if successor is None:
                raise CatalogueError(f"条款 {clause.id}: 取代它的 {s.successor} 不在政策目录中")
            if s.until is not None and s.until < s.on:
                raise CatalogueError(f"条款 {clause.id}: 被 {s.successor} 取代的终止日 {s.until} 早于开始日 {s.on}")
            if successor.effective_from > s.on:
                raise CatalogueError(
                    f"条款 {clause.id}: 取代它的 {s.successor} 自 {successor.effective_from} 起才生效, "
                    f"晚于取代日 {s.on}"
                )


# -- small typed readers; each names the file and field when it fails ---------


def _table(value: object, here: str) -> dict:
    if not isinstance(value, dict):
        raise CatalogueError(f"{here}: 应是一个表")
    return value


def _no_unknown_keys(data: dict, allowed: set[str], here: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise CatalogueError(f"{here}: 不认识的字段 {unknown}")


def _text(data: dict, key: str, here: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{here}: {key} 须是非空文字")
    return value.strip()


def _optional_text(data: dict, key: str, here: str) -> str | None:
    return _text(data, key, here) if key in data else None


def _text_list(data: dict, key: str, here: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise CatalogueError(f"{here}: {key} 须是非空的文字列表")
    return value


def _date(data: dict, key: str, here: str) -> str:
    value = data.get(key)
    try:
        return dates.parse(value.isoformat() if hasattr(value, "isoformat") else value)
    except (dates.DateError, AttributeError) as exc:
        raise CatalogueError(f"{here}: {key}: {exc}") from exc


def _optional_date(data: dict, key: str, here: str) -> str | None:
    return _date(data, key, here) if data.get(key) is not None else None


def _amount(value: object, here: str) -> Fen:
    try:
        return money.parse(value)  # type: ignore[arg-type]
    except money.MoneyError as exc:
        raise CatalogueError(f"{here}: {exc}") from exc


def _optional_amount(data: dict, key: str, here: str) -> Fen | None:
    return _amount(data[key], f"{here} {key}") if key in data else None


def _amount_table(data: dict, key: str, allowed: Mapping[str, str], here: str) -> Mapping[str, Fen] | None:
    if key not in data:
        return None
    table = _table(data[key], f"{here} {key}")
    _no_unknown_keys(table, set(allowed), f"{here} {key}")
    return MappingProxyType({k: _amount(v, f"{here} {key}.{k}") for k, v in table.items()})


def _grade_table(data: dict, here: str) -> Mapping[str, Fen | None] | None:
    table = _amount_table(data, "grades", GRADES, here)
    if table is not None and "fail" in table:
        raise CatalogueError(f"{here}: 等级 'fail' (不合格) 永远不能获得资助")
    return table


def _choice_list(data: dict, key: str, allowed: Mapping[str, str], here: str) -> tuple[str, ...] | None:
    if key not in data:
        return None
    values = _text_list(data, key, here)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise CatalogueError(f"{here}: {key} 有不认识的值 {unknown}")
    return tuple(values)


def _ratio(data: dict, here: str) -> Fraction | None:
    if "ratio" not in data:
        return None
    value = data["ratio"]
    try:
        ratio = Fraction(Decimal(value)) if isinstance(value, str) else None
    except InvalidOperation:
        ratio = None
    if ratio is None or not 0 < ratio <= 10:
        raise CatalogueError(f'{here}: ratio 须是 "0.5" 这样的文字 (0 到 10 之间)')
    return ratio


def _flag(data: dict, key: str, here: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise CatalogueError(f"{here}: {key} 须是 true 或 false")
    return value


def _supersessions(data: dict, key: str, here: str) -> tuple[Supersession, ...]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{here}: {key} 须是表的列表")
    result = []
    for entry in entries:
        table = _table(entry, f"{here} {key}")
        _no_unknown_keys(table, _SUPERSESSION_KEYS, f"{here} {key}")
        result.append(
            Supersession(
                successor=_text(table, "clause", f"{here} {key}"),
                on=_date(table, "on", f"{here} {key}"),
                scope=_optional_text(table, "scope", f"{here} {key}"),
                until=_optional_date(table, "until", f"{here} {key}"),
            )
        )
    return tuple(result)
