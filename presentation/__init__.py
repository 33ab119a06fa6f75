"""What the command line and the web view both show: words (labels, headers), report columns, tables and sheets.

A room of its own so that ``cli/`` and ``web/`` share it without importing each other: it imports the domain's
values (``ledger``) and nothing of click, the CLI or the web (``tests/unit/test_imports.py``).
"""
