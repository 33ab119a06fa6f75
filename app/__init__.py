"""The application: the composition root that wires the write side (``ledger``), the read models and the audit
(``projections``) into the one ``Ledger`` the command line and the batch use (``app.facade``), with the batch's
catch-up worker (``app.pipeline``)."""
