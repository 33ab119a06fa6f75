"""Cost of the live catalogue: read a loaded document; apply with and without one (python -m bench.policy_load)."""

import tempfile
import time

from app.facade import Ledger
from ledger import clauses, commands
from tests.helpers import ENTERPRISE, World, run
from tests.integration.test_policy_load import guide_example


def timed(fn, n):
    t = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - t) / n * 1000


def main() -> None:
    d = tempfile.mkdtemp()
    t = time.perf_counter()
    [clauses.read(guide_example(), "x.toml", clauses.Origin("a", "2026-01-01", "0" * 64)) for _ in range(100)]
    print(f"read the guide example: {(time.perf_counter() - t) * 10:.2f} ms")
    with Ledger(f"sqlite:///{d}/a.db", create_tables=True) as ledger:
        ledger.init("admin")
        World.build(ledger)
        before = timed(
            lambda i: run(
                ledger,
                "apply",
                ref=f"A{i}",
                unit=ENTERPRISE,
                clause="qd2024-01-common-tech",
                amount="1万",
                date="2024-09-01",
            ),
            200,
        )
        ledger.run(commands.build("policy load", {"file-name": "t.toml", "content": guide_example()}), "admin")
        after = timed(
            lambda i: run(
                ledger,
                "apply",
                ref=f"B{i}",
                unit=ENTERPRISE,
                clause="qd2024-01-common-tech",
                amount="1万",
                date="2024-09-01",
            ),
            200,
        )
        print(f"apply (SQLite, incl. catch-up): {before:.2f} ms before a load, {after:.2f} ms with one loaded document")


if __name__ == "__main__":
    main()
