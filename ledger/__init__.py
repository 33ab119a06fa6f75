"""grantledger's domain: money, policy clauses and rules, aggregates, and the application service.

Nothing here imports SQLAlchemy, click or structlog; the store is chosen in
``ledger.eventstore`` and the read side lives in ``projections``.
"""
