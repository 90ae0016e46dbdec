#!/usr/bin/env bash
# `make demo`: start a throwaway OpenBao dev server on a free loopback port, run playbooks/demo.yml against
# it twice (the second run must report changed=0), then stop the server whatever happens.
# Expects the venv (.venv) and the collection tree (.build) that `make demo` prepares; arguments go to
# ansible-playbook (e.g. scripts/demo.sh -v).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="$root/.venv/bin"

work=$(mktemp -d "${TMPDIR:-/tmp}/citadel-demo.XXXXXX")
chmod 700 "$work"
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
token=$("$bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))')
echo 'unsafe_allow_api_audit_creation = true' >"$work/extra.hcl"

# HOME points into the work dir so the dev server's token helper does not overwrite ~/.vault-token.
HOME="$work" "$bin/bao" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" \
    -config="$work/extra.hcl" >"$work/server.log" 2>&1 &
server_pid=$!

export VAULT_ADDR="http://127.0.0.1:$port"
export VAULT_TOKEN="$token"
echo "OpenBao $("$bin/bao" version | cut -d' ' -f2) dev server: $VAULT_ADDR (pid $server_pid)"

if ! "$bin/python" - <<'PY'; then
import os
import time
import urllib.request

url = os.environ["VAULT_ADDR"] + "/v1/sys/health"
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        raise SystemExit("OpenBao did not become healthy within 30 s")
    time.sleep(0.2)
PY
    cat "$work/server.log" >&2
    exit 1
fi

# One password for both runs, so the second run has nothing to change; kept in a private vars file
# rather than on the command line, where other users could read it in the process list.
"$bin/python" - "$work/demo-vars.yml" <<'PY'
import json
import os
import secrets
import string
import sys

alphabet = string.ascii_letters + string.digits
password = "".join(secrets.choice(alphabet) for _ in range(24))
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(fd, "w", encoding="utf-8") as handle:
    json.dump({"demo_db_password": password}, handle)
PY

export ANSIBLE_COLLECTIONS_PATH="$root/.build"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_PYTHON_INTERPRETER="$bin/python"

run_playbook() {
    "$bin/ansible-playbook" "$root/playbooks/demo.yml" -e "@$work/demo-vars.yml" "$@"
}

echo
echo "=== First run: configure OpenBao ==="
run_playbook "$@"

echo
echo "=== Second run: nothing left to change ==="
run_playbook "$@" | tee "$work/second-run.log"

if ! grep -Eq '^localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$work/second-run.log"; then
    echo "FAIL: the second run changed something (see the recap above)" >&2
    exit 1
fi
echo
echo "Second run recap:"
grep -E '^localhost +:' "$work/second-run.log"
echo "Idempotent: the second run reported changed=0."
