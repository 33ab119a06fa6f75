"""Helpers for the web view's tests: a ``grantledger serve`` process on a free loopback port, and chromium.

Playwright cannot download a browser here, so it drives Debian's ``chromium``
(``scripts/test`` installs it when missing). Screenshots go to
``GRANTLEDGER_WEB_SHOTS`` when set (never into the repository), else to the
test's temporary folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("GRANTLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    env.update(extra)
    return env


@contextmanager
def serving(db: str, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``grantledger --db DB serve --port P`` in a new process; yields its base URL until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "--db", db, "serve", "--port", str(port), *options],
        env=env or clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve exited {process.returncode}: {process.stderr.read()}")
            try:
                with urllib.request.urlopen(base + "/static/style.css", timeout=2):
                    break
            except urllib.error.HTTPError:  # it answers (with 401 when it wants a token)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise AssertionError("serve did not answer within 30 s") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def shots_dir(fallback: Path) -> Path:
    chosen = Path(os.environ.get("GRANTLEDGER_WEB_SHOTS") or fallback)
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def fen(text: str) -> int:
    """A figure as the page shows it (``1,234.56``) in 分."""
    cleaned = text.strip().replace(",", "")
    sign = -1 if cleaned.startswith("-") else 1
    yuan, _, cents = cleaned.lstrip("-").partition(".")
    assert cents.isdigit() and len(cents) == 2 and yuan.isdigit(), f"{text!r} is not an amount in 元"
    return sign * (int(yuan) * 100 + int(cents))


def json_fen(value: str) -> int:
    """A JSON report's amount (``"1234.56"``) in 分."""
    return fen(value)
