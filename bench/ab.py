"""A/B of one ``grantledger`` command as a new process: an old checkout against this one, alternating.

    git archive 620bcfc | tar -x -C /tmp/old
    python -m bench.ab --old /tmp/old --db sqlite:////tmp/ledger.db --runs 5 report funds

Each run starts ``python -c 'from cli.main import main; main()'`` with ``PYTHONPATH`` set to the old
checkout or to this one (the same interpreter and libraries), bytecode cached as installed; prints the
medians, their ratio and the load average (the machine may be shared: compare within one run).
``{unique}`` in an argument becomes a new token each run, so a writing command writes every time:

    python -m bench.ab --old /tmp/old --db sqlite:////tmp/ledger.db disburse QD-1 --amount 1 --voucher B-{unique}
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUN = "import sys; from cli.main import main; sys.argv[0] = 'grantledger'; sys.exit(main())"
HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="a checkout of the old code")
    parser.add_argument("--db", required=True)
    parser.add_argument("--actor", default="bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_") and k != "PYTHONDONTWRITEBYTECODE"}
    sides = {"old": dict(env, PYTHONPATH=args.old), "new": dict(env, PYTHONPATH=str(HERE))}
    times: dict[str, list[float]] = {side: [] for side in sides}
    for _ in range(args.runs):
        for side, side_env in sides.items():
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-P",  # no current folder first on sys.path: PYTHONPATH alone says which checkout runs
                    "-c",
                    RUN,
                    "--db",
                    args.db,
                    "--actor",
                    args.actor,
                    *(a.replace("{unique}", f"{side}{time.time_ns()}") for a in args.command),
                ],
                env=side_env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times[side].append(time.perf_counter() - started)
    old, new = (statistics.median(times[side]) * 1000 for side in sides)
    print(
        f"{' '.join(args.command)}: old {old:,.0f} ms, new {new:,.0f} ms = {old / new:.1f}× "
        f"(median of {args.runs}, load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
