"""The command classes, one module per family (as ``ledger.handlers``), imported when a command is first
named through ``ledger.commands`` (its ``__getattr__`` and ``WRITE_COMMANDS``): a command as a new process
creates its own family's dataclasses, not all of them (issue 26)."""
