"""Start and stop a real PostgreSQL (Debian's ``postgresql`` package) for the database secrets tests.

Used by the pytest session fixture and by nothing that ships. ``initdb`` + ``pg_ctl`` build a throw-away
cluster in a temporary directory, listening on 127.0.0.1 on a free port (and on a private socket
directory), with scram-sha-256 password authentication for every TCP connection. The superuser's password
is given by the caller (the session's ``canary_password``), so the leak scan proves it never appears in any
output. PostgreSQL refuses to run as root: as root the cluster runs as the ``postgres`` system user the
package creates (else ``nobody``); as anyone else, as that user.

``make system-deps`` installs the package when it is missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

#: an existing application user the fixture creates, for static roles (its first password is not a secret)
APP_USER, APP_PASSWORD = "citadel_app", "initial-app-password"
INSTALL_HINT = ("PostgreSQL server binaries (initdb, pg_ctl) were not found: run `make system-deps` as root, "
                "or `sudo apt-get install -y postgresql`")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bindir():
    """The newest /usr/lib/postgresql/<ver>/bin with initdb, else the directory of initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: [int(x) if x.isdigit() else 0 for x in p.split("/")[4].split(".")])
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def run_as_user():
    """The account that runs the server: the current one, or ``postgres``/``nobody`` for root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' account exists")


class PostgresServer:
    """One cluster; ``host``, ``port``, ``user``, ``password``, ``database`` describe the superuser login."""

    def __init__(self, password, user="citadel_admin", database="citadel"):
        self.bindir = pg_bindir()
        self.host = "127.0.0.1"
        self.port = free_port()
        self.user, self.password, self.database = user, password, database
        self.account = run_as_user()
        self.workdir = tempfile.mkdtemp(prefix="citadel-pg-")
        self.datadir = os.path.join(self.workdir, "data")
        self.sockdir = os.path.join(self.workdir, "sock")
        self.log_path = os.path.join(self.workdir, "server.log")
        self.started = False

    @staticmethod
    def available():
        return pg_bindir() is not None

    # -- process helpers ------------------------------------------------------------------------
    def _run(self, args, check=True):
        env = dict(os.environ, LC_ALL="C", LANG="C", HOME=self.workdir, PGPASSWORD="")
        env.pop("PGPASSWORD")
        user = {}
        if os.geteuid() == 0:
            user = dict(user=self.account.pw_uid, group=self.account.pw_gid, extra_groups=[])
        return subprocess.run(args, env=env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120, check=check, **user)

    def _chown(self, path):
        if os.geteuid() == 0:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self, timeout=60):
        if not self.bindir:
            raise RuntimeError(INSTALL_HINT)
        os.chmod(self.workdir, 0o700)
        self._chown(self.workdir)
        os.mkdir(self.sockdir, 0o700)
        self._chown(self.sockdir)
        pwfile = os.path.join(self.workdir, "pwfile")
        with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(self.password + "\n")
        self._chown(pwfile)
        try:
            proc = self._run([os.path.join(self.bindir, "initdb"), "-D", self.datadir, "-U", self.user,
                              "--pwfile", pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                              "-E", "UTF8", "--no-instructions"], check=False)
        finally:
            os.unlink(pwfile)
        if proc.returncode:
            raise RuntimeError("initdb failed:\n" + proc.stdout)
        options = "-c listen_addresses=%s -c port=%d -c unix_socket_directories=%s -c fsync=off " \
                  "-c max_connections=50 -c shared_buffers=16MB" % (self.host, self.port, self.sockdir)
        proc = self._run([os.path.join(self.bindir, "pg_ctl"), "start", "-w", "-t", str(timeout), "-D",
                          self.datadir, "-l", self.log_path, "-o", options], check=False)
        if proc.returncode:
            raise RuntimeError("pg_ctl start failed:\n%s\n%s" % (proc.stdout, self._log()))
        self.started = True
        self._wait(timeout)
        self.psql("CREATE DATABASE %s" % self.database, database="postgres")
        return self

    def _wait(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not listen on %s:%d:\n%s" % (self.host, self.port, self._log()))

    def _log(self):
        try:
            with open(self.log_path) as handle:
                return handle.read()[-4000:]
        except OSError:
            return "(no server log)"

    def stop(self):
        if self.started:
            self._run([os.path.join(self.bindir, "pg_ctl"), "stop", "-w", "-m", "fast", "-D", self.datadir],
                      check=False)
            self.started = False
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- out-of-band access for tests ---------------------------------------------------------
    def psql(self, sql, database=None):
        """Run SQL as the superuser over TCP with password authentication; return psql's output."""
        env = dict(os.environ, PGPASSWORD=self.password)
        proc = subprocess.run([os.path.join(self.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
                               "-h", self.host, "-p", str(self.port), "-U", self.user, "-d",
                               database or self.database, "-c", sql],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60,
                              check=False)
        if proc.returncode:
            raise RuntimeError("psql failed: %s" % proc.stdout.replace(self.password, "***"))
        return proc.stdout

    def env(self):
        """What a target playbook needs to reach the server; the password is its ``canary_password``."""
        return {
            "CITADEL_TEST_PG_HOST": self.host,
            "CITADEL_TEST_PG_PORT": str(self.port),
            "CITADEL_TEST_PG_USER": self.user,
            "CITADEL_TEST_PG_DB": self.database,
            "CITADEL_TEST_PG_BIN": self.bindir,
            "CITADEL_TEST_PG_APP_USER": APP_USER,
            "CITADEL_TEST_PG_APP_PASSWORD": APP_PASSWORD,
        }

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture(scope="session")
def postgres(canaries):
    """A PostgreSQL whose superuser password is the session's ``canary_password`` (for vault_database* targets)."""
    if not PostgresServer.available():
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    server = PostgresServer(canaries["canary_password"]).start()
    # What the targets work on: a table to read, and an existing application user for a static role.
    server.psql("CREATE TABLE items (id int PRIMARY KEY, label text); INSERT INTO items VALUES (1, 'one'), (2, 'two');"
                "CREATE ROLE %s LOGIN PASSWORD '%s'; GRANT SELECT ON items TO %s" % (APP_USER, APP_PASSWORD, APP_USER))
    yield server
    server.stop()
