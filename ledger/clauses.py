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

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import MappingProxyType

from . import dates, money
from .money import Fen
from .values import GRADES, MODES, UNIT_TYPES

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
}
_SUPERSESSION_KEYS = {"clause", "on", "scope"}


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


@dataclass(frozen=True)
class Supersession:
    successor: str
    on: str
    scope: str | None


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

    @property
    def citation(self) -> str:
        """《title》文号 item — the short form used in messages."""
        number = f" {self.document.doc_number}" if self.document.doc_number else ""
        return f"《{self.document.title}》{number} {self.item}".strip()

    @property
    def rule_kinds(self) -> tuple[str, ...]:
        """The kinds of rule this clause exercises (for reports and tests)."""
        kinds = [
            kind
            for kind, present in (
                ("max", self.max is not None),
                ("fixed", self.fixed is not None),
                ("fixed_by_unit_type", self.fixed_by_unit_type is not None),
                ("ratio", self.ratio is not None),
                ("grade", self.grades is not None),
                ("unit_type", self.unit_types is not None),
                ("annual_cap", self.annual_cap is not None),
                ("once_per_unit", self.once_per_unit),
                ("expiry", self.effective_to is not None),
                ("superseded", bool(self.superseded_by)),
                ("case_by_case", self.case_by_case or self.exception_required),
                ("equity", "grant" not in self.modes),
            )
            if present
        ]
        return tuple(kinds)


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
        return [c for c in self if c.effective_from <= day and (c.effective_to is None or day <= c.effective_to)]


@cache
def default() -> Catalogue:
    """The catalogue shipped with the package (loaded once per process)."""
    return load(POLICY_DIR)


def load(directory: Path) -> Catalogue:
    clauses: dict[str, Clause] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogueError(f"no policy files (*.toml) in {directory}")
    for path in files:
        for clause in _load_file(path):
            if clause.id in clauses:
                raise CatalogueError(f"{path.name}: clause {clause.id} is defined twice")
            clauses[clause.id] = clause
    _check_successors(clauses)
    return Catalogue(MappingProxyType(clauses))


def _load_file(path: Path) -> list[Clause]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc
    where = path.name
    doc_data = _table(data.get("document"), f"{where} [document]")
    _no_unknown_keys(doc_data, _DOCUMENT_KEYS, f"{where} [document]")
    document = Document(
        id=_text(doc_data, "id", where),
        title=_text(doc_data, "title", where),
        doc_number=_optional_text(doc_data, "doc_number", where),
        issuer=_text(doc_data, "issuer", where),
        issued=_date(doc_data, "issued", where),
        seeds=tuple(_text_list(doc_data, "seeds", where)),
        city=_text(doc_data, "city", where),
    )
    window = (_date(doc_data, "effective_from", where), _optional_date(doc_data, "effective_to", where))
    entries = data.get("clauses")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{where}: no [[clauses]]")
    return [_clause(_table(e, f"{where} clause"), document, window, where) for e in entries]


def _clause(data: dict, document: Document, window: tuple[str, str | None], where: str) -> Clause:
    clause_id = _text(data, "id", where)
    here = f"{where} clause {clause_id}"
    _no_unknown_keys(data, _CLAUSE_KEYS, here)
    if not clause_id.startswith(document.id + "-"):
        raise CatalogueError(f"{here}: id must start with the document id {document.id!r}")
    seed = _text(data, "seed", here) if "seed" in data else document.seeds[0]
    if seed not in document.seeds:
        raise CatalogueError(f"{here}: seed {seed!r} is not one of the document's seeds {document.seeds}")
    effective_from = _optional_date(data, "effective_from", here) or window[0]
    effective_to = _optional_date(data, "effective_to", here) if "effective_to" in data else window[1]
    if effective_to is not None and effective_to < effective_from:
        raise CatalogueError(f"{here}: in force from {effective_from} but ends earlier, {effective_to}")
    annual_cap = _optional_amount(data, "annual_cap", here)
    if "cap_group" in data and annual_cap is None:
        raise CatalogueError(f"{here}: cap_group without annual_cap")
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
        superseded_by=_supersessions(data, here),
        note=_optional_text(data, "note", here),
    )
    _check_rule(clause, here)
    return clause


def _check_rule(c: Clause, here: str) -> None:
    if c.fixed is not None and (c.max is not None or c.fixed_by_unit_type is not None):
        raise CatalogueError(f"{here}: a fixed amount excludes max and fixed_by_unit_type")
    if c.ratio is not None and c.base is None:
        raise CatalogueError(f"{here}: a ratio needs the name of its base (base = …)")
    if c.exception_required and (c.max is not None or c.fixed is not None):
        raise CatalogueError(f"{here}: exception_required means there is no max or fixed amount")
    if c.case_by_case and c.max is None:
        raise CatalogueError(f"{here}: case_by_case allows exceeding a max, so it needs one")
    limits = (c.max, c.fixed, c.fixed_by_unit_type, c.ratio, c.grades)
    if all(x is None for x in limits) and not c.exception_required:
        raise CatalogueError(f"{here}: no limit at all (max, fixed, ratio, grades) and no exception_required")
    if c.fixed_by_unit_type is not None and c.unit_types is not None:
        if set(c.fixed_by_unit_type) != set(c.unit_types):
            raise CatalogueError(f"{here}: fixed_by_unit_type and unit_types name different unit types")
    if not c.quote.strip():
        raise CatalogueError(f"{here}: empty quote")


def _check_successors(clauses: Mapping[str, Clause]) -> None:
    for clause in clauses.values():
        for s in clause.superseded_by:
            successor = clauses.get(s.successor)
            if successor is None:
                raise CatalogueError(f"clause {clause.id}: successor {s.successor} is not in the catalogue")
            if successor.effective_from > s.on:
                raise CatalogueError(
                    f"clause {clause.id}: successor {s.successor} is only in force from {successor.effective_from}, "
                    f"after the supersession date {s.on}"
                )


# -- small typed readers; each names the file and field when it fails ---------


def _table(value: object, here: str) -> dict:
    if not isinstance(value, dict):
        raise CatalogueError(f"{here}: expected a table")
    return value


def _no_unknown_keys(data: dict, allowed: set[str], here: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise CatalogueError(f"{here}: unknown keys {unknown}")


def _text(data: dict, key: str, here: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{here}: {key} must be non-empty text")
    return value.strip()


def _optional_text(data: dict, key: str, here: str) -> str | None:
    return _text(data, key, here) if key in data else None


def _text_list(data: dict, key: str, here: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise CatalogueError(f"{here}: {key} must be a non-empty list of text")
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
        raise CatalogueError(f"{here}: grade 'fail' is never eligible")
    return table


def _choice_list(data: dict, key: str, allowed: Mapping[str, str], here: str) -> tuple[str, ...] | None:
    if key not in data:
        return None
    values = _text_list(data, key, here)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise CatalogueError(f"{here}: {key} has unknown values {unknown}")
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
        raise CatalogueError(f'{here}: ratio must be text such as "0.5" (between 0 and 10)')
    return ratio


def _flag(data: dict, key: str, here: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise CatalogueError(f"{here}: {key} must be true or false")
    return value


def _supersessions(data: dict, here: str) -> tuple[Supersession, ...]:
    entries = data.get("superseded_by", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{here}: superseded_by must be a list of tables")
    result = []
    for entry in entries:
        table = _table(entry, f"{here} superseded_by")
        _no_unknown_keys(table, _SUPERSESSION_KEYS, f"{here} superseded_by")
        result.append(
            Supersession(
                successor=_text(table, "clause", here),
                on=_date(table, "on", here),
                scope=_optional_text(table, "scope", here),
            )
        )
    return tuple(result)
