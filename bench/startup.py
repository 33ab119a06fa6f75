"""Commands as new processes, beside the start-up baselines of the same run (issue 26).

Each command is run as ``python -P -c 'from cli.main import main; main()' ARGS`` (the same interpreter and
libraries as the installed ``grantledger``, bytecode cached as installed), median of ``runs``, and reported
as wall time and CPU time (user + system of the child: steadier than wall on a shared machine). The baselines
are measured in the same run: ``python -c pass`` (the interpreter alone) and ``grantledger --version`` (the
interpreter, click and the command group). With ``old`` (a checkout of earlier code, e.g. ``git archive
21f8445 | tar -x -C /tmp/old``) every command is also run from that checkout, alternating with this one, so
the previous figure comes from the same minutes.

Measured: one writing command (``disburse``: decided, signed, committed with its disk sync, folded into the
read models), ``policy list`` and ``policy show`` on the ledger, and ``policy list`` with no ledger at all.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; from cli.main import main; sys.argv[0] = 'grantledger'; sys.exit(main())"
TARGETS = {"write": 250, "policy list": 150, "policy show": 150, "policy list, no ledger": 150}  # ms (issue 26)
SHOWN = "qd2024-14-hnte-first"


def _once(argv: list[str], pythonpath: str) -> tuple[float, float]:
    """One process: (wall seconds, CPU seconds of the child)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = pythonpath
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(argv[4:])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _medians(times: list[tuple[float, float]]) -> dict[str, float]:
    return {
        "wall_ms": statistics.median(t[0] for t in times) * 1000,
        "cpu_ms": statistics.median(t[1] for t in times) * 1000,
        "min_wall_ms": min(t[0] for t in times) * 1000,
    }


def measure(url: str, ref: str, workdir: Path, runs: int = 7, old: str | None = None) -> dict:
    """Every figure of this section; ``ref`` is an award with room for ``runs`` × 2 payments of 1 分."""
    absent = f"sqlite:///{workdir / 'no-such-ledger.db'}"
    commands: dict[str, Callable[[], list[str]]] = {
        "python -c pass": lambda: ["-c", "pass"],
        "grantledger --version": lambda: ["-c", RUN, "--version"],
        "write": lambda: [
            "-c",
            RUN,
            *("--db", url, "--actor", "bench", "disburse", ref, "--amount", "1"),
            *("--voucher", f"BENCH-{time.time_ns()}", "--date", "2026-10-31"),
        ],
        "policy list": lambda: ["-c", RUN, "--db", url, "policy", "list"],
        "policy show": lambda: ["-c", RUN, "--db", url, "policy", "show", SHOWN],
        "policy list, no ledger": lambda: ["-c", RUN, "--db", absent, "policy", "list"],
    }
    sides = {"new": str(ROOT), **({"old": old} if old else {})}
    found: dict[str, dict[str, list]] = {label: {side: [] for side in sides} for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():
            for side, path in sides.items():
                if side == "old" and label == "python -c pass":
                    continue
                # -P: no current folder first on sys.path, so PYTHONPATH alone says which checkout runs
                found[label][side].append(_once([sys.executable, "-P", *argv()], path))
    result = {label: {side: _medians(t) for side, t in by_side.items() if t} for label, by_side in found.items()}
    result["runs"] = runs
    result["load"] = os.getloadavg()[0]
    result["old"] = old
    return result


def report(figures: dict) -> list[str]:
    """The section as printed lines."""

    def both(f: dict) -> str:
        return f"{f['wall_ms']:.0f} ms wall / {f['cpu_ms']:.0f} ms CPU"

    base = figures["grantledger --version"]["new"]
    lines = [
        f"start-up baselines (new processes, median of {figures['runs']}, load {figures['load']:.1f}): "
        f"python -c pass {both(figures['python -c pass']['new'])}; grantledger --version {both(base)}"
    ]
    for label, words in (
        ("write", "one command (grantledger disburse …, a writing command, new process)"),
        ("policy list", "policy list (new process)"),
        ("policy show", f"policy show {SHOWN} (new process)"),
        ("policy list, no ledger", "policy list with no ledger (new process)"),
    ):
        new = figures[label]["new"]
        line = (
            f"{words}: {both(new)} = --version + {new['wall_ms'] - base['wall_ms']:.0f} ms "
            f"(target < {TARGETS[label]} ms)"
        )
        old = figures[label].get("old")
        if old:
            line += f"; previous code {both(old)} = {old['wall_ms'] / new['wall_ms']:.1f}× slower"
        lines.append(line)
    return lines
