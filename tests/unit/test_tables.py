"""``projections.tables`` (plain names and columns, for writing without SQLAlchemy) agrees with ``schema``."""

from __future__ import annotations

from projections import page, schema, tables, tracking


def test_the_plain_columns_are_the_schemas():
    for name, columns in tables.COLUMNS.items():
        assert columns == tuple(c.name for c in schema.metadata.tables[name].columns), name
    assert tracking.TABLE == schema.tracking.name
    assert tables.PROJECTIONS == schema.PROJECTIONS


def test_every_table_a_page_writes_is_a_table_of_the_schema_with_those_columns():
    for name, spec in page.SPECS.items():
        columns = {c.name for c in schema.metadata.tables[name].columns}
        assert set(spec.keys + spec.totals + spec.descriptions) == columns, name
    for name, columns in page.COLUMNS.items():
        assert columns == tuple(c.name for c in schema.metadata.tables[name].columns), name
