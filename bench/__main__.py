"""``python -m bench``: how fast grantledger is, as ratios to the raw eventsourcing library measured in the same run.

For each size it generates a synthetic programme (bench/generate.py) and measures:

1. batch ingest on SQLite (a new ``grantledger batch`` process): commands/s and events/s;
2. the same on PostgreSQL when one is reachable (``--pg URL``, or ``--pg auto`` for a throw-away cluster);
3. ``replay`` from zero: events/s;
4. ``verify``: events/s;
5. the latency of ``report awards``, ``report funds``, ``report caps`` (queries in-process, median of 7);
6. one ordinary command as a new process (``grantledger disburse …``), and ``policy list``/``policy show``,
   median of 7, beside ``python -c pass`` and ``grantledger --version`` measured in the same run, wall and CPU
   (``bench/startup.py``; ``--old DIR`` runs an earlier checkout alternately, ``--startup-only`` skips the rest);
7. peak memory (RSS) of replay and verify;
8. the web view (``grantledger serve``): each page's time over HTTP, median of 7 after a first view (also
   reported), as a ratio to the same report's in-process latency from 5;
9. one report as a new process (``grantledger report awards`` / ``report trial-balance``), median of 5, against
   the target of 100 ms; and, where ``hledger`` is on PATH, ``hledger -f FILE balance`` over the same postings
   (written by ``grantledger export hledger``) as a ratio to ``report trial-balance`` as a new process;
10. a clerk's read commands as new processes (``fund list``, ``history``, ``role list``, ``report pending``,
   ``policy list``, ``policy show``), median of 5, against the target of 150 ms;
11. ``verify --since-seal`` (issue 26): the ledger sealed, a further 10^4 events added (a tenth of a small run),
    then a full ``verify`` and ``verify --since-seal`` of the same ledger, each a new process: the incremental
    one as a fraction of the full one (target ≤ 0.1×), and the seal's own time (it folds verify's states).

9 and 10 print each figure's median CPU time (user + system) beside its wall time: on a shared machine the
CPU time moves far less with the load. With ``--pg``, 9 and 10 are measured on the PostgreSQL ledger of 2 as
well and printed beside the SQLite figures of the same run (both take the fast read path,
``projections.fastread``), with ``report awards`` on PostgreSQL's full path (``GRANTLEDGER_FAST_READ=0``) for
reference. The fast path asks libpq itself (``projections.libpq``); each PostgreSQL read is measured alternately
with the same read on psycopg (``GRANTLEDGER_LIBPQ=0``, as the fast path read before) and printed beside it.
``--reads-only`` ingests each size (on PostgreSQL too with ``--pg``) and measures only 9 and 10.

The baselines, in the same run: eventsourcing's own SQLite recorder appending the same number of events
with 1,000 aggregates per ``save()`` (the grouped append: ingest is divided by it) and, in a second database,
one save per aggregate (printed for reference: it swings with the cost of a disk sync), then reading them back
with ``select_notifications`` in pages and its mapper (replay and verify are divided by that read-and-decode).
The targets of issue 20 are printed beside each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import baseline
from bench.generate import write

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
from cli.main import main
started = time.perf_counter()
try:
    main.main(sys.argv[2:], prog_name="grantledger", standalone_mode=False)
    code = 0
except SystemExit as stop:
    code = stop.code or 0
with open(sys.argv[1], "w") as out:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # e.g. replay's writer process
    json.dump({"seconds": time.perf_counter() - started, "rss_mb": peak, "helper_rss_mb": helpers, "code": code}, out)
"""


def child(args: list[str], workdir: Path) -> dict:
    """Run the CLI in a new process; return its own timing and peak memory."""
    report = workdir / "child.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(report), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench: grantledger {' '.join(args)} failed: {done.stderr[-2000:]}")
    return json.loads(report.read_text())


def executable() -> str:
    """The ``grantledger`` installed beside this interpreter (the venv need not be on PATH)."""
    beside = Path(sys.executable).parent / "grantledger"
    return str(beside) if beside.exists() else shutil.which("grantledger") or "grantledger"


def wall(args: list[str], extra: dict[str, str] | None = None) -> float:
    """One ``grantledger`` process, wall seconds. Run as installed: with its modules' bytecode cached (a shell's
    PYTHONDONTWRITEBYTECODE=1 would have every process compile every module of an editable install from source)."""
    return timed(args, extra)[0]


def timed(args: list[str], extra: dict[str, str] | None = None) -> tuple[float, float]:
    """One ``grantledger`` process (as ``wall``): wall seconds, and the CPU seconds it used (user + system; on a
    shared machine the CPU time moves far less with the load than the wall time)."""
    import resource

    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra or {})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [executable(), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def medians(args: list[str], runs: int = 5) -> tuple[float, float]:
    """Median wall and median CPU seconds of ``runs`` processes."""
    times = [timed(args) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


ON_PSYCOPG = {"GRANTLEDGER_LIBPQ": "0"}  # the fast read path on psycopg, as before libpq was asked directly


def medians_beside_psycopg(args: list[str], runs: int = 7) -> tuple[float, float, dict[str, float]]:
    """``medians`` of a PostgreSQL read, with the same read on psycopg (``GRANTLEDGER_LIBPQ=0``: what the fast
    path did before it asked libpq itself, ``projections.libpq``) measured alternately, so both come from the same
    minutes of a shared machine: the read's median wall and CPU, and psycopg's."""
    times, before = [], []
    for _ in range(runs):
        times.append(timed(args))
        before.append(timed(args, ON_PSYCOPG))
    psycopg = {
        "wall_s": statistics.median(t[0] for t in before),
        "cpu_s": statistics.median(t[1] for t in before),
    }
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times), psycopg


def event_count(url: str) -> int:
    from app.facade import Ledger

    with Ledger(url) as ledger:
        return ledger.app.recorder.max_notification_id() or 0


def report_latency(url: str) -> dict[str, float]:
    from app.facade import Ledger

    with Ledger(url) as ledger:
        years = sorted({r["year"] for r in ledger.report("funds", "bench")})
        cases = {"awards": {}, f"awards --year {years[-1]}": {"year": years[-1]}, "funds": {}, "caps": {}}
        result = {}
        for label, options in cases.items():
            name = label.split()[0]
            times = []
            for _ in range(7):
                started = time.perf_counter()
                rows = ledger.report(name, "bench", **options)
                times.append(time.perf_counter() - started)
            result[label] = {"ms": statistics.median(times) * 1000, "rows": len(rows)}
        return result


WEB_PAGES = {"funds": "/funds", "awards": "/awards"}  # report label → page (awards --year Y is added per run)


def web_latency(url: str, reports: dict[str, dict]) -> dict[str, dict]:
    """Each page from a ``grantledger serve`` process, and its ratio to the same report in-process."""
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    server = subprocess.Popen(
        [executable(), "--db", url, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    pages = dict(WEB_PAGES)
    pages.update({label: f"/awards?year={label.split()[-1]}" for label in reports if label.startswith("awards --year")})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/static/style.css", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("bench: grantledger serve did not start") from None
                time.sleep(0.1)
        result = {}
        for label, path in pages.items():
            times = []
            for _ in range(8):  # the first view also fills the server's caches; it is reported apart
                started = time.perf_counter()
                with urllib.request.urlopen(base + path, timeout=600) as answer:
                    answer.read()
                times.append(time.perf_counter() - started)
            ms = statistics.median(times[1:]) * 1000
            result[label] = {
                "page": path,
                "ms": ms,
                "first_ms": times[0] * 1000,
                "report_ms": reports[label]["ms"],
                "ratio": ms / reports[label]["ms"],
            }
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


TARGETS = {"replay": 0.5, "verify": 0.3}  # ratios to the raw read-and-decode rate (issue 20)


def hledger_balance(url: str, workdir: Path, report_s: float) -> dict | None:
    """``hledger -f FILE balance`` over the postings ``export hledger`` writes, against ``report trial-balance``."""
    hledger = shutil.which("hledger")
    if not hledger:
        return None
    journal = workdir / "postings.journal"
    child(["--db", url, "--actor", "bench", "export", "hledger", "--out", str(journal)], workdir)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([hledger, "-f", str(journal), "balance"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    return {"seconds": seconds, "report_s": report_s, "ratio": seconds / report_s}


def read_commands(
    url: str, cpu: dict[str, float] | None = None, psycopg: dict[str, dict[str, float]] | None = None
) -> dict[str, float]:
    """A clerk's read-only commands, each as a new process, median of 5 (wall, includes start-up); ``cpu``
    receives the median CPU seconds of each; ``psycopg``, when given, the same read on psycopg measured
    alternately with each (``medians_beside_psycopg``)."""
    from app.facade import Ledger

    with Ledger(url) as ledger:
        ref = ledger.report("awards", "bench")[0]["application"]
    from .startup import SHOWN

    labels = ("fund list", f"history {ref}", "role list", "report pending", "policy list", f"policy show {SHOWN}")
    result = {}
    for label in labels:
        args = ["--db", url, "--actor", "bench", *label.split()]
        if psycopg is not None:
            result[label], used, psycopg[label] = medians_beside_psycopg(args)
        else:
            result[label], used = medians(args)
        if cpu is not None:
            cpu[label] = used
    return result


def ingest(url: str, batch: Path, lines: int, base: baseline.Rates, workdir: Path, engine: str) -> dict:
    """A fresh ledger, then the whole programme through ``grantledger batch`` in a new process."""
    child(["--db", url, "--actor", "bench", "init"], workdir)
    run = child(["--db", url, "--actor", "bench", "batch", str(batch)], workdir)
    stored = event_count(url)
    figures = {
        "seconds": run["seconds"],
        "events": stored,
        "commands_per_s": lines / run["seconds"],
        "events_per_s": stored / run["seconds"],
        "ratio": stored / run["seconds"] / base.grouped_per_s,
        "ratio_single_append": stored / run["seconds"] / base.append_per_s,
        "failed": run["code"] != 0,
    }
    print(
        f"ingest ({engine}): {lines:,} commands, {stored:,} events in {run['seconds']:.1f}s = "
        f"{figures['commands_per_s']:,.0f} commands/s, {figures['events_per_s']:,.0f} events/s "
        f"= {figures['ratio']:.2f}× grouped append (target ≥ 1×; "
        f"{figures['ratio_single_append']:.2f}× one-save-per-aggregate append)",
        flush=True,
    )
    return figures


def roomy_award(url: str) -> str:
    """An award with room left for the start-up section's payments of 1 分."""
    from app.facade import Ledger

    with Ledger(url) as ledger:
        rows = [r for r in ledger.report("awards", "bench") if r["awarded"] > r["disbursed"] + r["pending"] + 100]
    return rows[0]["application"]


def startup_section(url: str, workdir: Path, old: str | None) -> dict:
    from bench import startup

    figures = startup.measure(url, roomy_award(url), workdir, old=old)
    for line in startup.report(figures):
        print(line, flush=True)
    return figures


def startup_only(events: int, workdir: Path, old: str | None, reuse: bool = False) -> dict:
    """``--startup-only``: the programme ingested (no baselines, replay, verify, reports or web view), then the
    start-up section; with ``reuse``, a ledger this mode left in ``--workdir`` before is measured again."""
    print(f"\n== {events:,} events (start-up only)", flush=True)
    path = workdir / f"ledger-{events}.db"
    url = f"sqlite:///{path}"
    lines = None
    if reuse and path.exists():
        print(f"reusing {path}", flush=True)
    else:
        batch = workdir / f"programme-{events}.jsonl"
        lines = write(str(batch), events)
        child(["--db", url, "--actor", "bench", "init"], workdir)
        run = child(["--db", url, "--actor", "bench", "batch", str(batch)], workdir)
        print(f"ingested {lines:,} commands in {run['seconds']:.1f}s (SQLite)", flush=True)
    stored = event_count(url)
    print(f"{stored:,} events", flush=True)
    figures = startup_section(url, workdir, old)
    return {"events_asked": events, "lines": lines, "events": stored, "startup": figures}


def measure_size(events: int, workdir: Path, pg_url: str | None, old: str | None = None) -> dict:
    print(f"\n== {events:,} events", flush=True)
    base = baseline.measure(events)
    print(
        f"baseline: grouped append {base.grouped_per_s:,.0f} events/s ({baseline.GROUP:,} aggregates per save), "
        f"append {base.append_per_s:,.0f} events/s (one save per aggregate), "
        f"read+decode {base.read_per_s:,.0f} events/s",
        flush=True,
    )
    batch = workdir / f"programme-{events}.jsonl"
    lines = write(str(batch), events)
    result: dict = {"events_asked": events, "lines": lines, "baseline": base.__dict__}

    url = f"sqlite:///{workdir / f'ledger-{events}.db'}"
    result["ingest_sqlite"] = ingest(url, batch, lines, base, workdir, "SQLite")
    result["events"] = result["ingest_sqlite"]["events"]
    if not pg_url:
        return measure_sqlite(result, url, base, workdir, None, old)
    from tests.pgserver import create_database, drop_database

    name = f"bench_{events}"
    try:  # the PostgreSQL ledger stays until its reads are measured beside SQLite's
        pg = create_database(pg_url, name)
        result["ingest_postgresql"] = ingest(pg, batch, lines, base, workdir, "PostgreSQL")
        return measure_sqlite(result, url, base, workdir, pg, old)
    finally:
        drop_database(pg_url, name)


def beside(
    sqlite_s: float,
    pg_s: float | None,
    sqlite_cpu: float,
    pg_cpu: float | None,
    psycopg: dict[str, float] | None = None,
) -> str:
    """A figure on SQLite, and on PostgreSQL when it was measured: wall ms (CPU ms); with ``psycopg`` (the same
    read on psycopg in the same minutes, ``medians_beside_psycopg``), that figure beside it."""
    text = f"SQLite {sqlite_s * 1000:.0f} ms (CPU {sqlite_cpu * 1000:.0f} ms)"
    if pg_s is not None and pg_cpu is not None:
        text += f", PostgreSQL {pg_s * 1000:.0f} ms (CPU {pg_cpu * 1000:.0f} ms)"
        if psycopg is not None:
            text += (
                f" [on psycopg, GRANTLEDGER_LIBPQ=0: {psycopg['wall_s'] * 1000:.0f} ms"
                f" (CPU {psycopg['cpu_s'] * 1000:.0f} ms)]"
            )
    return text


def report_processes(
    url: str, cpu: dict[str, float], psycopg: dict[str, dict[str, float]] | None = None
) -> dict[str, float]:
    """``report awards|funds|trial-balance`` as new processes, median wall of 5; ``cpu`` gets the median CPU;
    ``psycopg``, when given, the same read on psycopg measured alternately with each (``medians_beside_psycopg``)."""
    result = {}
    for label in ("awards", "funds", "trial-balance"):
        args = ["--db", url, "--actor", "bench", "report", *label.split()]
        if psycopg is not None:
            result[label], cpu[label], psycopg[label] = medians_beside_psycopg(args)
        else:
            result[label], cpu[label] = medians(args)
    return result


def measure_sqlite(
    result: dict, url: str, base: baseline.Rates, workdir: Path, pg: str | None, old: str | None = None
) -> dict:
    """Everything after ingest on the SQLite ledger; the reads as new processes on the PostgreSQL one too."""
    stored = result["events"]
    for what in ("replay", "verify"):
        run = child(["--db", url, "--actor", "bench", what], workdir)
        rate = stored / run["seconds"]
        result[what] = {
            "seconds": run["seconds"],
            "events_per_s": rate,
            "ratio": rate / base.read_per_s,
            "rss_mb": run["rss_mb"],
            "helper_rss_mb": run["helper_rss_mb"],
        }
        print(
            f"{what}: {rate:,.0f} events/s = {rate / base.read_per_s:.2f}× baseline read+decode "
            f"(target ≥ {TARGETS[what]}×), peak RSS {run['rss_mb']:.0f} MB "
            f"(its writer process {run['helper_rss_mb']:.0f} MB)",
            flush=True,
        )

    result["reports"] = report_latency(url)
    for label, figures in result["reports"].items():
        print(f"report {label}: {figures['ms']:.1f} ms ({figures['rows']:,} rows)", flush=True)
    result["web"] = web_latency(url, result["reports"])
    for label, figures in result["web"].items():
        print(
            f"web page {figures['page']}: {figures['ms']:.1f} ms = {figures['ratio']:.2f}× report {label} "
            f"(first view {figures['first_ms']:.0f} ms)",
            flush=True,
        )
    report_reads(result, url, pg)
    result["hledger"] = hledger_balance(url, workdir, result["report_process"]["trial-balance"])
    if result["hledger"]:
        figures = result["hledger"]
        print(
            f"hledger balance over the same postings: {figures['seconds'] * 1000:.0f} ms = "
            f"{figures['ratio']:.1f}× report trial-balance as a new process (target ≥ 100×)",
            flush=True,
        )
    else:
        print("hledger balance: skipped (hledger is not on PATH)", flush=True)
    command_reads(result, url, pg)
    result["startup"] = startup_section(url, workdir, old)  # one command as a new process, with its baselines
    result["one_command_s"] = result["startup"]["write"]["new"]["wall_ms"] / 1000
    result["since_seal"] = since_seal(url, workdir, result["events_asked"])  # last: it adds events to the ledger
    return result


def report_reads(result: dict, url: str, pg: str | None) -> None:
    """9: the reports as new processes, on SQLite and on PostgreSQL (beside the same read on psycopg)."""
    cpu: dict[str, float] = {}
    cpu_pg: dict[str, float] = {}
    on_psycopg: dict[str, dict[str, float]] = {}
    result["report_process"] = report_processes(url, cpu)
    result["report_process_cpu"] = cpu
    result["report_process_pg"] = report_processes(pg, cpu_pg, on_psycopg) if pg else None
    result["report_process_pg_cpu"] = cpu_pg if pg else None
    result["report_process_pg_psycopg"] = on_psycopg if pg else None
    for label, seconds in result["report_process"].items():
        on_pg = result["report_process_pg"][label] if pg else None
        figures = beside(seconds, on_pg, cpu[label], cpu_pg.get(label), on_psycopg.get(label))
        print(f"one report as a new process (report {label}): {figures} (target < 100 ms)", flush=True)
    if pg:
        full = ["--db", pg, "--actor", "bench", "report", "awards"]
        result["report_process_pg_full_path"] = statistics.median(
            wall(full, {"GRANTLEDGER_FAST_READ": "0"}) for _ in range(3)
        )
        print(
            f"report awards on PostgreSQL's full path (GRANTLEDGER_FAST_READ=0), for reference: "
            f"{result['report_process_pg_full_path'] * 1000:.0f} ms",
            flush=True,
        )


def command_reads(result: dict, url: str, pg: str | None) -> None:
    """10: a clerk's read commands as new processes, on SQLite and on PostgreSQL (beside the same on psycopg)."""
    cpu: dict[str, float] = {}
    cpu_pg: dict[str, float] = {}
    on_psycopg: dict[str, dict[str, float]] = {}
    result["read_commands"] = read_commands(url, cpu)
    result["read_commands_cpu"] = cpu
    result["read_commands_pg"] = read_commands(pg, cpu_pg, on_psycopg) if pg else None
    result["read_commands_pg_cpu"] = cpu_pg if pg else None
    result["read_commands_pg_psycopg"] = on_psycopg if pg else None
    for n, (label, seconds) in enumerate(result["read_commands"].items()):
        on_pg = list(result["read_commands_pg"].values())[n] if pg else None
        pg_cpu = list(cpu_pg.values())[n] if pg else None
        pg_before = list(on_psycopg.values())[n] if pg else None
        figures = beside(seconds, on_pg, cpu[label], pg_cpu, pg_before)
        print(f"one read command as a new process ({label}): {figures} (target < 150 ms)", flush=True)


def reads_only(events: int, workdir: Path, pg_url: str | None) -> dict:
    """``--reads-only``: the programme ingested on SQLite (and PostgreSQL with ``--pg``), then only 9 and 10 —
    the reads as new processes, PostgreSQL's beside the same on psycopg (no baselines, replay, verify, in-process
    reports, web view, hledger, start-up section or since-seal)."""
    print(f"\n== {events:,} events (reads only)", flush=True)
    batch = workdir / f"programme-{events}.jsonl"
    lines = write(str(batch), events)
    url = f"sqlite:///{workdir / f'ledger-{events}.db'}"
    result: dict = {"events_asked": events, "lines": lines}
    for engine, target in (("SQLite", url), *((("PostgreSQL", None),) if pg_url else ())):
        if target is None:
            from tests.pgserver import create_database

            target = result["pg"] = create_database(pg_url, f"bench_{events}")
        child(["--db", target, "--actor", "bench", "init"], workdir)
        run = child(["--db", target, "--actor", "bench", "batch", str(batch)], workdir)
        print(f"ingested {lines:,} commands in {run['seconds']:.1f}s ({engine})", flush=True)
    result["events"] = event_count(url)
    print(f"{result['events']:,} events; load {os.getloadavg()[0]:.2f}", flush=True)
    try:
        report_reads(result, url, result.get("pg"))
        command_reads(result, url, result.get("pg"))
    finally:
        if pg_url:
            from tests.pgserver import drop_database

            drop_database(pg_url, f"bench_{events}")
    result["load"] = os.getloadavg()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in result['load'])}", flush=True)
    return result


SINCE_SEAL_TARGET = 0.1  # incremental verify as a fraction of a full verify of the same ledger (issue 26)


def since_seal(url: str, workdir: Path, events: int) -> dict:
    """Seal the ledger, add a further stretch of the programme (10^4 events; a tenth of a small run), then time a
    full ``verify`` (the baseline) and ``verify --since-seal`` on the same ledger, each as a new process."""
    sealed = child(["--db", url, "--actor", "bench", "seal"], workdir)
    before = event_count(url)
    more = workdir / f"programme-{events}-more.jsonl"
    write(str(more), min(10_000, max(events // 10, 200)), seed=7, more=True)
    child(["--db", url, "--actor", "bench", "batch", str(more)], workdir)
    after = event_count(url)
    full = child(["--db", url, "--actor", "bench", "verify"], workdir)
    since = child(["--db", url, "--actor", "bench", "verify", "--since-seal"], workdir)
    if full["code"] or since["code"]:
        raise SystemExit("bench: verify or verify --since-seal did not pass on the bench ledger")
    figures = {
        "sealed_at": before,
        "events": after,
        "new_events": after - before,
        "seal_s": sealed["seconds"],
        "full_s": full["seconds"],
        "since_seal_s": since["seconds"],
        "ratio": since["seconds"] / full["seconds"],
        "since_seal_rss_mb": since["rss_mb"],
    }
    print(
        f"verify --since-seal: {figures['new_events']:,} events after a seal at {before:,}: "
        f"{since['seconds']:.2f}s = {figures['ratio']:.3f}× full verify of the same {after:,} events "
        f"({full['seconds']:.1f}s, same run; target ≤ {SINCE_SEAL_TARGET}×), peak RSS {since['rss_mb']:.0f} MB; "
        f"seal (with its verify snapshot) {sealed['seconds']:.1f}s",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000], help="sizes (default 10^4 10^5)")
    parser.add_argument("--million", action="store_true", help="also 10^6 events (takes a while)")
    parser.add_argument(
        "--pg",
        default="none",
        metavar="URL|auto|none",
        help="a PostgreSQL admin URL (…/postgres), 'auto' for a throw-away local cluster, or none",
    )
    parser.add_argument("--workdir", default=None, help="where the databases go (default: a temporary folder)")
    parser.add_argument("--out", default=None, help="write the figures as JSON here (default bench/out/…)")
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="only ingest each size and measure commands as new processes beside their start-up baselines",
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="only ingest each size and measure the reads as new processes (9, 10; PostgreSQL's beside the "
        "same reads on psycopg, GRANTLEDGER_LIBPQ=0)",
    )
    parser.add_argument(
        "--old",
        default=None,
        metavar="DIR",
        help="a checkout of earlier code (git archive REV | tar -x -C DIR): its start-up figures, alternating",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --startup-only and --workdir: measure the ledgers left there again"
    )
    args = parser.parse_args()
    sizes = [*args.events, *([1_000_000] if args.million else [])]

    cluster = None
    pg_url = None if args.pg == "none" else args.pg
    if args.pg == "auto":
        from tests.pgserver import start_cluster

        cluster = start_cluster()
        pg_url = cluster.admin_url
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="grantledger-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    print(f"grantledger bench on {machine['platform']}, {machine['cpus']} CPUs, Python {machine['python']}")
    try:
        results = {
            "machine": machine,
            "command": " ".join(["python -m bench", *sys.argv[1:]]),
            "sizes": [
                startup_only(n, workdir, args.old, args.reuse)
                if args.startup_only
                else reads_only(n, workdir, pg_url)
                if args.reads_only
                else measure_size(n, workdir, pg_url, args.old)
                for n in sizes
            ],
        }
    finally:
        if cluster:
            cluster.stop()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    out = Path(args.out or ROOT / "bench" / "out" / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nfigures written to {out}")


if __name__ == "__main__":
    main()
