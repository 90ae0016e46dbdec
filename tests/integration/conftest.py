"""Session harness for integration tests: a real OpenBao, the collection on a collections path, and
``run_target`` which runs a target playbook at -vvv --diff and fails on any leaked canary value."""

from __future__ import annotations

import glob
import importlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile

import pytest

from openbao import OpenBaoDevServer
# Session fixtures of the extra servers; run_target starts each on first use by the targets named for it.
from servers.azure_keyvault import azure_keyvault  # noqa: F401  pylint: disable=unused-import
from servers.drongo import drongo  # noqa: F401  pylint: disable=unused-import
from servers.openbao_tls import openbao_tls  # noqa: F401  pylint: disable=unused-import
from servers.tokenreview import kubernetes_api  # noqa: F401  pylint: disable=unused-import
from servers.moto import moto  # noqa: F401  pylint: disable=unused-import
from servers.postgres import postgres  # noqa: F401  pylint: disable=unused-import
from servers.raft_cluster import raft_cluster  # noqa: F401  pylint: disable=unused-import

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets")
OUTPUT = os.path.join(ROOT, "tests", "output", "integration")


@pytest.fixture(scope="session")
def openbao():
    server = OpenBaoDevServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def openbao_for_modules():
    """A second dev server, for the targets that run again with every module in its own process."""
    server = OpenBaoDevServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def collections_path():
    """A collections path where citadel.secrets resolves: CITADEL_COLLECTIONS_PATH, else a symlink to ROOT."""
    given = os.environ.get("CITADEL_COLLECTIONS_PATH")
    if given and os.path.isdir(os.path.join(given, "ansible_collections", "citadel", "secrets")):
        return given
    tmp = tempfile.mkdtemp(prefix="citadel-collections-")
    os.makedirs(os.path.join(tmp, "ansible_collections", "citadel"))
    os.symlink(ROOT, os.path.join(tmp, "ansible_collections", "citadel", "secrets"))
    return tmp


def import_collection(collections_path, name):
    """A module of the collection (``plugins.module_utils._vault._connect``), for Python tests that drive its
    code directly; installs Ansible's collection finder for ``collections_path`` when nothing has yet."""
    try:
        importlib.import_module("ansible_collections.citadel.secrets")
    except ImportError:
        from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
        _AnsibleCollectionFinder(paths=[collections_path])._install()
    return importlib.import_module("ansible_collections.citadel.secrets." + name)


@pytest.fixture(scope="session")
def canaries():
    """Secret values planted by the tests; none of them may ever appear in any output."""
    return {"canary_%s" % name: "CANARY-%s-%s" % (name, secrets.token_hex(10))
            for name in ("password", "api_key", "token", "secret_id", "extra")}


def registered_canaries(directory):
    """Secrets a target created while it ran (unseal keys, a root token): files in ``$CITADEL_TEST_CANARY_DIR``
    holding one value a line, scanned for like the planted canaries in every output from then on."""
    found = {}
    for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else ():
        with open(os.path.join(directory, name)) as handle:
            for number, value in enumerate(handle.read().split("\n"), start=1):
                if len(value.strip()) >= 8:
                    found["%s:%d" % (name, number)] = value.strip()
    return found


class TargetRun:
    def __init__(self, rc, output, log_path):
        self.rc, self.output, self.log_path = rc, output, log_path

    def recap(self):
        """{'changed': N, 'failed': N, ...} from the PLAY RECAP line for localhost."""
        match = re.findall(r"localhost\s*:\s*(.*)", self.output)
        if not match:
            return {}
        return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match[-1])}


@pytest.fixture(scope="session")
def run_target(openbao, collections_path, canaries, tmp_path_factory, request):
    workdir = tmp_path_factory.mktemp("targets")
    inventory = workdir / "inventory.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    vars_file = workdir / "canaries.json"
    vars_file.write_text(json.dumps(canaries))
    os.chmod(vars_file, 0o600)
    os.makedirs(workdir / "canaries.d", mode=0o700)
    os.makedirs(OUTPUT, exist_ok=True)

    def run(target, extra_env=None, extra_vars=None, check=False, playbook="main.yml", label=""):
        path = os.path.join(TARGETS, target, playbook)
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-vvv", "--diff",
               "-i", str(inventory), "-e", "@" + str(vars_file), path]
        if extra_vars:
            cmd[-1:-1] = ["-e", json.dumps(extra_vars)]
        if check:
            cmd.insert(1, "--check")
        env = dict(os.environ)
        for name in list(env):
            if name.startswith(("VAULT_", "BAO_")):
                del env[name]
        env.update(
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_RETRY_FILES_ENABLED="false", ANSIBLE_HOME=str(workdir / "ansible-home"),
            VAULT_ADDR=openbao.addr, VAULT_TOKEN=openbao.token,
            CITADEL_TEST_WORKDIR=str(workdir), CITADEL_TEST_CANARY_DIR=str(workdir / "canaries.d"),
        )
        if target.startswith("vault_database"):  # PostgreSQL, started on first use; password = canary_password
            env.update(request.getfixturevalue("postgres").env())
        # cloud_* targets get the AWS, Azure and GCP environments below all at once (one play across the three)
        if target.startswith(("azure_", "cloud_")):  # Key Vault stand-in (HTTPS, test CA), Entra ID token endpoint
            env = {k: v for k, v in env.items() if not k.startswith("AZURE_")}
            env.update(request.getfixturevalue("azure_keyvault").env())
        if target.startswith(("gcp_", "cloud_")):  # drongo, the Secret Manager emulator; no real Google credentials
            env = {k: v for k, v in env.items() if not k.startswith(("GOOGLE_", "GCP_", "CLOUDSDK_"))}
            env.update(request.getfixturevalue("drongo").env())
        if target.startswith(("aws_", "cloud_")):  # moto_server, started on first use; no real AWS credentials leak in
            env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
            env.update(request.getfixturevalue("moto").env())
        if target.startswith(("vault_kubernetes_auth", "vault_jwt_auth")):  # TokenReview + OIDC issuer stand-in
            env.update(request.getfixturevalue("kubernetes_api").env())
        if target.startswith("vault_cluster_"):  # a 3-node OpenBao Raft cluster (TLS, not dev mode), lazily started
            env.update(request.getfixturevalue("raft_cluster").env())
        if target.startswith("auth_cert"):  # a second OpenBao with a TLS listener, for certificate logins
            env.update(request.getfixturevalue("openbao_tls").env())
        env.update(extra_env or {})
        proc = subprocess.run(cmd, env=env, cwd=os.path.join(TARGETS, target),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
                              check=False)
        log_path = os.path.join(OUTPUT, "%s%s%s.log" % (target, "-check" if check else "", label))
        with open(log_path, "w") as handle:
            handle.write(proc.stdout)
        scanned = dict(canaries, **registered_canaries(workdir / "canaries.d"))
        leaked = [name for name, value in scanned.items() if value in proc.stdout]
        assert not leaked, "secret values %s leaked into the output of %s (see %s)" % (leaked, target, log_path)
        return TargetRun(proc.returncode, proc.stdout, log_path)

    yield run
    # targets that use gpg (PGP-encrypted unseal shares) leave a gpg-agent running per GNUPGHOME
    for home in glob.glob(str(workdir / "*" / "gnupg")):
        try:
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], check=False, capture_output=True,
                           timeout=30)
        except (OSError, subprocess.SubprocessError):
            pass
