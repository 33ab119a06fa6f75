"""A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder, loopback only.

Used when ``GRANTLEDGER_TEST_PG`` does not name a server already running.
PostgreSQL refuses to run as root, so as root the cluster is run by the
``postgres`` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

PASSWORD_GROUP = "grantledger_password_logins"  # roles in this group must give a password (see Cluster.start)


class PostgresUnavailable(RuntimeError):
    pass


def find_bin(name: str) -> str:
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    found = shutil.which(name)
    if found:
        return found
    raise PostgresUnavailable(
        f"PostgreSQL's {name} was not found. Install the server (apt-get install postgresql) "
        "or set GRANTLEDGER_TEST_PG=postgresql+psycopg://user:password@host:port/postgres"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    directory: str
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *args]
        return list(args)

    def start(self) -> None:
        data = os.path.join(self.directory, "data")
        log = os.path.join(self.directory, "server.log")
        subprocess.run(
            self._cmd(find_bin("initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"),
            check=True,
            capture_output=True,
        )
        self._require_passwords(data)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c max_connections=200 "
            "-c fsync=on -c shared_buffers=64MB"
        )
        subprocess.run(
            self._cmd(find_bin("pg_ctl"), "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"),
            check=True,
            capture_output=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise PostgresUnavailable(f"PostgreSQL did not start; see {log}")

    def _require_passwords(self, data: str) -> None:
        """Members of ``PASSWORD_GROUP`` log in over TCP with a password (scram); everyone else is trusted.

        Lets a test meet a wrong password, while the admin and the ledgers' own logins stay passwordless.
        """
        hba = os.path.join(data, "pg_hba.conf")
        with open(hba, encoding="utf-8") as f:
            lines = f.read()
        with open(hba, "w", encoding="utf-8") as f:
            f.write(f"host all +{PASSWORD_GROUP} 127.0.0.1/32 scram-sha-256\n" + lines)

    def stop(self) -> None:
        data = os.path.join(self.directory, "data")
        subprocess.run(self._cmd(find_bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"), capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster() -> Cluster:
    run_as = "postgres" if os.geteuid() == 0 else None
    directory = tempfile.mkdtemp(prefix="grantledger-pg-")
    if run_as:
        shutil.chown(directory, user=run_as, group=run_as)
        os.chmod(directory, 0o755)
    cluster = Cluster(directory, free_port(), run_as)
    try:
        cluster.start()
    except subprocess.CalledProcessError as exc:
        cluster.stop()
        raise PostgresUnavailable(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')}") from exc
    import psycopg

    with psycopg.connect(cluster.admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {PASSWORD_GROUP} NOLOGIN")
    return cluster


def start_standby(primary: Cluster) -> Cluster:
    """A streaming standby of ``primary`` on another loopback port: ``pg_basebackup -R`` into a new folder (the
    primary's defaults suffice: wal_level replica, max_wal_senders 10, and initdb's replication line for
    127.0.0.1 in pg_hba.conf), started hot (read-only queries while it replays)."""
    directory = tempfile.mkdtemp(prefix="grantledger-pg-standby-")
    if primary.run_as:
        shutil.chown(directory, user=primary.run_as, group=primary.run_as)
        os.chmod(directory, 0o755)
    standby = Cluster(directory, free_port(), primary.run_as)
    data = os.path.join(directory, "data")
    try:
        subprocess.run(
            standby._cmd(
                find_bin("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                data,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {standby.port} -k {directory} -c hot_standby=on -c max_connections=200"
        )
        subprocess.run(
            standby._cmd(
                find_bin("pg_ctl"),
                "-D",
                data,
                "-l",
                os.path.join(directory, "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        standby.stop()
        raise PostgresUnavailable(f"could not start a standby: {exc.stderr.decode(errors='replace')}") from exc
    return standby


def create_database(admin_url: str, name: str) -> str:
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


if __name__ == "__main__":  # pragma: no cover - manual use: python -m tests.pgserver
    c = start_cluster()
    print(c.admin_url, c.directory)


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
