"""The read-model tables, as SQLAlchemy Core metadata (alembic migrations create them).

Every table here is a projection of the event log: it can be dropped and
rebuilt by ``replay``. Amounts are BIGINT 分. ``journal`` is the fact table
every as-of report is computed from; the other tables are running totals
kept current page by page for fast reports.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, MetaData, String, Table

from . import tables

metadata = MetaData()


def money(name: str) -> Column:
    return Column(name, BigInteger, nullable=False, server_default="0")


tracking = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("application_name", String(64), nullable=False),
    Column("notification_id", BigInteger, nullable=False),
)

# Which aggregate an event belongs to, and the dimensions later events need.
origins = Table(
    "origins",
    metadata,
    Column("originator_id", LargeBinary(16), primary_key=True),
    Column("kind", String(16)),
    Column("key", String(200)),
    Column("unit", String(18)),
    Column("clause", String(64)),
    Column("fund", String(64)),
    Column("year", Integer),
    Index("ix_origins_kind", "kind"),  # role list: the people among every aggregate (migration 0020)
)

awards = Table(
    "awards",
    metadata,
    Column("application", String(64), primary_key=True),
    # Nullable because rows are upserted page by page; a submission always fills them.
    Column("unit", String(18)),
    Column("clause", String(64)),
    Column("status", String(16)),
    Column("applied_on", String(10)),
    Column("grade", String(16)),
    Column("fund", String(64)),
    Column("fiscal_year", Integer),
    Column("mode", String(16)),
    Column("doc", String(64)),
    Column("exception_doc", String(64)),
    Column("awarded_on", String(10)),
    Column("cap_group", String(64)),
    Column("submitted_seq", BigInteger),  # the log position of the submission (for --known-at)
    money("asked"),
    money("awarded"),
    money("disbursed"),
    money("pending"),
    money("spent"),
    money("recovered"),
    Index("ix_awards_unit", "unit"),
    Index("ix_awards_fund_year", "fund", "fiscal_year"),
    Index("ix_awards_year_status", "fiscal_year", "status"),
)

funds = Table(
    "funds",
    metadata,
    Column("fund", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    money("appropriated"),
    money("committed"),
    money("disbursed"),
    money("returned"),
    money("carried_forward"),  # 上年结转: carried into this year by the close of the year before
)

fund_names = Table(
    "fund_names",
    metadata,
    Column("fund", String(64), primary_key=True),
    Column("name", String(200)),
    Column("threshold", BigInteger),
)

units = Table(
    "units",
    metadata,
    Column("unit", String(18), primary_key=True),
    Column("name", String(200)),
    Column("type", String(16)),
    Column("registered_on", String(10)),
    Column("registered_seq", BigInteger),  # the log position of the registration (for --known-at)
    Column("applications", Integer, nullable=False, server_default="0"),
    money("awarded"),
    money("disbursed"),
    money("spent"),
    money("recovered"),
)

caps = Table(
    "caps",
    metadata,
    Column("unit", String(18), primary_key=True),
    Column("cap_group", String(64), primary_key=True),
    Column("year", String(8), primary_key=True),  # a year, or "once" for once-per-unit clauses
    Column("cap", BigInteger),
    money("used"),
    Column("awards", Integer, nullable=False, server_default="0"),
)

clauses = Table(
    "clause_totals",
    metadata,
    Column("clause", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("count", Integer, nullable=False, server_default="0"),
    money("awarded"),
    money("disbursed"),
)

equity = Table(
    "equity",
    metadata,
    Column("application", String(64), primary_key=True),
    Column("unit", String(18)),
    money("invested"),
    money("cost"),
    Column("stake", BigInteger, nullable=False, server_default="0"),  # millionths (1 % = 10,000)
    Column("converted", BigInteger, nullable=False, server_default="0"),
    Column("exited_stake", BigInteger, nullable=False, server_default="0"),
    money("proceeds"),
    money("gain"),
    money("written_off"),
)

# The double-entry journal: every money event posts balanced lines. Reversals
# (红字冲正) post the original lines again with negative amounts.
journal = Table(
    "journal",
    metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("effective_date", String(10), nullable=False),
    Column("movement", String(16), nullable=False),
    Column("account", String(48), nullable=False),
    Column("fund", String(64)),
    Column("year", Integer),
    Column("application", String(64)),
    Column("voucher", String(64)),
    money("debit"),
    money("credit"),
    Column("stake", BigInteger),  # on equity_holding lines: the stake moved (millionths), signed
    Index("ix_journal_date", "effective_date"),
    Index("ix_journal_application", "application"),
    Index("ix_journal_account", "account"),  # report pending: the held payments' lines (migration 0020)
)

balances = Table(
    "balances",
    metadata,
    Column("account", String(48), primary_key=True),
    money("debit"),
    money("credit"),
)

# The journal's totals per account, fund and fiscal year: what a seal's state hash covers (ledger.periods).
fund_balances = Table(
    "fund_balances",
    metadata,
    Column("account", String(48), primary_key=True),
    Column("fund", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    money("debit"),
    money("credit"),
)

# history KEY: which events are about an application, unit, fund, voucher or actor.
event_keys = Table(
    "event_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("type", String(48), nullable=False),
    Column("effective_date", String(10)),
    Column("recorded_at", String(32), nullable=False),
    Column("actor", String(200)),
    Column("amount", BigInteger),  # 分, when money moved (migration 0015)
    Column("voucher", String(64)),
    Column("detail", String(400)),  # category, reason, grade, document number… in words a clerk reads
)

# What waits for a second person (``report pending``): every act held for approval, keyed by the voucher or
# document number that ``approve`` and ``void`` take, with who proposed it and when, and how it was settled.
# Folded by ``projections.held`` from held payments and reopenings (migration 0035); other held acts add their
# folds there. ``made_seq``/``settled_seq`` are log positions, so ``--known-at`` sees it as it stood then.
held_acts = Table(
    "held_acts",
    metadata,
    Column("key", String(200), primary_key=True),  # the voucher or document number
    Column("kind", String(32)),  # disbursement, investment, reopen, …
    Column("application", String(64)),
    Column("unit", String(18)),
    Column("clause", String(64)),
    Column("fund", String(64)),
    Column("year", Integer),  # the fiscal year: the award's, or the period's
    Column("amount", BigInteger),  # 分; none when the act moves no money itself (a reopening)
    Column("maker", String(200)),
    Column("made_on", String(10)),
    Column("made_seq", BigInteger),
    Column("reason", String(400)),
    Column("rule", String(32)),  # why it is held: "threshold" (the fund's approval threshold) or "two-person"
    Column("status", String(16)),  # pending, approved, voided
    Column("settled_by", String(200)),
    Column("settled_on", String(10)),
    Column("settled_seq", BigInteger),
    Column("settled_reason", String(400)),  # a void's or a withdrawal's reason
    Index("ix_held_acts_status", "status"),
    Index("ix_held_acts_application", "application"),
)

# 项目管理 (issue 24): one row per project (an award with a schedule, term or budget, or a closed one).
projects = Table(
    "projects",
    metadata,
    Column("application", String(64), primary_key=True),
    Column("unit", String(18)),
    Column("clause", String(64)),
    Column("fund", String(64)),
    Column("year", Integer),
    Column("opened_on", String(10)),
    Column("end_date", String(10)),
    Column("tranches", String(400)),  # "60:signing:59994000;40:acceptance:39996000" (分)
    money("released"),
    Column("signing_on", String(10)),  # the day each scheduled tranche's milestone first passed
    Column("midterm_on", String(10)),
    Column("acceptance_on", String(10)),
    Column("evaluation_on", String(10)),
    Column("status", String(16)),
    Column("result", String(8)),
    Column("close_doc", String(64)),
    Column("closed_on", String(10)),
    money("balance"),
    money("recovered"),
    money("retained"),
    Column("retain_doc", String(64)),
    Index("ix_projects_end_date", "end_date"),
)

PROJECTIONS = tables.PROJECTIONS  # plain data there: what writes without SQLAlchemy reads it

# Tables a replay empties and rebuilds, in an order that respects nothing but tidiness.
REBUILT = (
    origins,
    awards,
    funds,
    fund_names,
    units,
    caps,
    clauses,
    equity,
    journal,
    balances,
    fund_balances,
    event_keys,
    held_acts,
    projects,
)
