"""What an auditor runs: verify the chain, the projections and the books; export the log.

``verify`` (``run``) rebuilds every projection from position zero in a scratch database, with the folds that
read each event as it goes, then runs its checks in the order ``run.CHECKS`` lists them, naming the first
thing wrong; one module each:

1. ``hash_chain``: every stored event's content and position against its hash;
2. ``signatures``: every command's signature against the key bound to its actor at that point of the log,
   and an approval's key (and person) not its maker's (invariant 9);
3. the business: invariants 1–3 folded from the events themselves (``projections.invariants``),
   independently of the aggregates, the command code and the read models;
4. the rules: every event re-decided by an independent fold with its own rules (``projections.redecide``):
   who signed it, the roles and key they held then, a second person where one was needed, open years, the
   catalogue as it stood, the negative list, spending after the money was paid (its findings go last);
5. ``seal_checks``: every seal recorded in the log (and a checkpoint file, and every seal file in a witness
   directory, when given) names a position within the log (a seal beyond its end: the log was cut back or
   restored from an older copy), the chain still passes through it with the same head hash, the rebuild's
   balances there still hash to the seal's state, and it is signed by the key the log had bound to the person
   it names, who then held a role that may seal (``projections.seals.authority``);
6. ``snapshots``: each stored snapshot against the events it summarises;
7. ``read_models``: the live read models compared row by row with the rebuild (``scratch``);
8. ``trial_balance``: the trial balance sums to zero, and the journal agrees with it;
9. ``database``: the append-only triggers are in place, and on PostgreSQL every event records its login;
10. ``policies``: each loaded policy document's bytes against its recorded sha256, and each one read again
    against the catalogue as it stood when it was loaded (shipped clauses and the documents before it).

``export``: the whole log as JSON Lines. The names callers use are all here (``projections.audit.verify``, …).
"""

from __future__ import annotations

from ..seals import seal_signed  # here since the first edition
from .database import check_database
from .export import _json_default as _json_default
from .export import export_events
from .hash_chain import ChainCheck
from .policies import check_policies
from .read_models import _differs_in_sqlite as _differs_in_sqlite
from .read_models import _rows as _rows
from .read_models import compare
from .report import CHUNK, Report, chain
from .report import _short_topic as _short_topic
from .run import CHECKS, Run, verify
from .scratch import rebuild, scratch_engine
from .seal_checks import SEAL_LABELS, check_seals, recorded_seals
from .seal_checks import _seal_authority as _seal_authority
from .signatures import (
    KEY_TOPICS,
    NUMBER_WORDS,
    PAYMENT_TOPICS,
    PROPOSALS,
    ROLE_TOPICS,
    SIGNATURE_HANDLES,
    SIGNATURE_IGNORES,
    TWO_PERSON_KEYS,
    SignatureCheck,
)
from .signatures import _signatures as _signatures
from .snapshots import _snapshot_ids as _snapshot_ids
from .snapshots import verify_snapshots
from .trial_balance import check_books

__all__ = [
    "CHECKS",
    "CHUNK",
    "KEY_TOPICS",
    "NUMBER_WORDS",
    "PAYMENT_TOPICS",
    "PROPOSALS",
    "ROLE_TOPICS",
    "SEAL_LABELS",
    "SIGNATURE_HANDLES",
    "SIGNATURE_IGNORES",
    "TWO_PERSON_KEYS",
    "ChainCheck",
    "Report",
    "Run",
    "SignatureCheck",
    "chain",
    "check_books",
    "check_database",
    "check_policies",
    "check_seals",
    "compare",
    "export_events",
    "rebuild",
    "recorded_seals",
    "scratch_engine",
    "seal_signed",
    "verify",
    "verify_snapshots",
]
