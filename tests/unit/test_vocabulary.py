"""One declared vocabulary of events (``ledger.vocabulary``), checked against the aggregates and every fold.

(a) Every event an aggregate can record (each ``@event`` method of each aggregate in ``ledger/``) is declared,
with exactly its fields and their types, in the method's order, under its stored topic; nothing is declared
that no aggregate records. (b) Every fold of the read side — the read models (``projections.folds``), the
journal, the held acts, verify's invariant fold and signature check, the fast read path — says for each
declared event that it handles it or ignores it, never both; so an event added to an aggregate and placed
nowhere fails here. (c) The Chinese labels are one table: the CLI's history, the voucher forms and the web
view show the same word for every event.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from eventsourcing.domain import Aggregate, DomainEvent

import ledger
from ledger import vocabulary
from projections import (
    audit,
    clause_titles,
    corrections,
    fastread,
    folds,
    held,
    invariants,
    journal,
    redecide,
    settlements,
)

FOLDS = {
    "projections.folds": (folds.HANDLES, folds.IGNORES),
    "projections.journal": (journal.HANDLES, journal.IGNORES),
    "projections.held": (held.HANDLES, held.IGNORES),
    "projections.invariants": (invariants.HANDLES, invariants.IGNORES),
    "projections.audit.SignatureCheck": (audit.SIGNATURE_HANDLES, audit.SIGNATURE_IGNORES),
    "projections.fastread": (fastread.HANDLES, fastread.IGNORES),
    "projections.redecide": (frozenset(redecide.RULES), redecide.SIGNATURE_ONLY),
    "projections.corrections": (corrections.HANDLES, corrections.IGNORES),
    "projections.settlements": (settlements.HANDLES, settlements.IGNORES),
}


def recorded() -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """Every event the aggregates of ``ledger/`` can record: name → (module, ((field, type), …))."""
    found = {}
    for info in pkgutil.iter_modules(ledger.__path__):
        module = importlib.import_module(f"ledger.{info.name}")
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, Aggregate) and cls.__module__ == module.__name__):
                continue
            for attr, kind in vars(cls).items():
                fields = vars(kind).get("__annotations__") if inspect.isclass(kind) else None
                if fields and issubclass(kind, DomainEvent):  # an @event method's class (not the bare defaults)
                    found[f"{cls.__name__}.{attr}"] = (module.__name__, tuple((f, str(t)) for f, t in fields.items()))
    return found


def test_every_event_the_aggregates_record_is_declared_with_exactly_its_fields():
    found = recorded()
    declared = {e.name: (e.module, e.fields) for e in vocabulary.EVENTS}
    assert sorted(set(found) - set(declared)) == [], "recorded by an aggregate but not declared"
    assert sorted(set(declared) - set(found)) == [], "declared but recorded by no aggregate"
    for name, (module, fields) in found.items():
        assert declared[name] == (module, fields), name
    assert len(vocabulary.EVENTS) == len(vocabulary.BY_NAME), "an event declared twice"


def test_a_declared_topic_is_the_stored_one():
    from ledger.grant import Grant

    assert vocabulary.BY_NAME["Grant.Disbursed"].topic == Grant.Disbursed.__module__ + ":" + "Grant.Disbursed"
    assert fastread.POLICY_LOADED_TOPIC == vocabulary.BY_NAME["PolicyRegister.Loaded"].topic
    assert clause_titles.LOADED_TOPIC == fastread.POLICY_LOADED_TOPIC
    assert fastread.ACTOR_TOPIC == vocabulary.BY_NAME["Actor.Registered"].topic.removesuffix("Registered")


def placed(entries: frozenset[str]) -> set[str]:
    """The declared events a set names, ``Aggregate.*`` meaning every event of that aggregate."""
    out = set()
    for entry in entries:
        if entry.endswith(".*"):
            events = {e.name for e in vocabulary.EVENTS if e.aggregate == entry[:-2]}
            assert events, f"{entry}: no such aggregate"
            out |= events
        else:
            assert entry in vocabulary.NAMES, f"{entry}: not a declared event"
            out.add(entry)
    return out


@pytest.mark.parametrize("fold", sorted(FOLDS))
def test_every_fold_handles_or_ignores_each_declared_event(fold):
    handles, ignores = FOLDS[fold]
    assert not [h for h in handles if h.endswith(".*")], "a fold handles events by name"
    handled, ignored = placed(frozenset(handles)), placed(ignores)
    assert sorted(handled & ignored) == [], f"{fold}: both handled and ignored"
    assert sorted(vocabulary.NAMES - handled - ignored) == [], f"{fold}: neither handled nor ignored"
    wild = {entry[:-2] for entry in ignores if entry.endswith(".*")}
    assert not {vocabulary.BY_NAME[h].aggregate for h in handled} & wild, f"{fold}: ignores an aggregate it reads"


def test_the_read_models_fold_nothing_undeclared():
    assert sorted(set(folds.FOLDS) - vocabulary.NAMES) == []
    assert sorted(set(folds.ORIGINATE) - vocabulary.NAMES) == []


def test_one_table_of_event_labels_for_the_cli_the_forms_and_the_web():
    from presentation import labels as cli_labels
    from web.labels import event_name

    assert cli_labels.EVENTS == vocabulary.LABELS
    for e in vocabulary.EVENTS:
        assert e.label and not e.label.isascii(), e.name
        assert event_name(e.name) == cli_labels.EVENTS[e.name] == e.label
    # where the tables used to disagree (web: 冲正, 退出)
    assert event_name("Grant.Reversed") == "红字冲正" and event_name("Grant.Exited") == "股权退出"
    assert len(set(vocabulary.LABELS.values())) == len(vocabulary.LABELS), "two events, one word"
