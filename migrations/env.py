"""Alembic environment: grantledger passes the connection in; nothing here reads a config file."""

from alembic import context

from projections.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
