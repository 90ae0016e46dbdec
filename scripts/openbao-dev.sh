# shellcheck shell=bash
# Throwaway OpenBao dev server for the demo scripts (scripts/demo.sh, scripts/audit-demo.sh). Source it, then:
#
#   openbao_dev_start WORKDIR   start `bao server -dev` on a free loopback port with a random root token, HOME and
#                               the log in WORKDIR (a private directory); wait until it is healthy; export VAULT_ADDR
#                               and VAULT_TOKEN. Sets openbao_dev_pid.
#   openbao_dev_stop            stop it (safe to call twice, and when it never started)
#   openbao_dev_demo_vars FILE  write the extra vars playbooks/demo.yml needs (demo_db_password) to FILE, mode 0600
#   openbao_dev_ansible_env     point ansible at the collection tree ($CITADEL_COLLECTIONS_PATH, which the Makefile
#                               sets, else .build) and the venv's Python
#
# Expects $root (the repository) and $bin (its .venv/bin) to be set by the sourcing script.

: "${root:?set root (the repository) before sourcing openbao-dev.sh}" "${bin:?set bin (.venv/bin) first}"
openbao_dev_pid=

openbao_dev_start() {
    local work=$1 port token
    port=$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    token=$("$bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))')
    echo 'unsafe_allow_api_audit_creation = true' >"$work/extra.hcl"

    # HOME points into the work dir so the dev server's token helper does not overwrite ~/.vault-token.
    HOME="$work" "$bin/bao" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" \
        -config="$work/extra.hcl" >"$work/server.log" 2>&1 &
    openbao_dev_pid=$!

    export VAULT_ADDR="http://127.0.0.1:$port"
    export VAULT_TOKEN="$token"
    echo "OpenBao $("$bin/bao" version | cut -d' ' -f2) dev server: $VAULT_ADDR (pid $openbao_dev_pid)"

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
        return 1
    fi
}

openbao_dev_stop() {
    if [ -n "$openbao_dev_pid" ]; then
        kill "$openbao_dev_pid" 2>/dev/null || true
        wait "$openbao_dev_pid" 2>/dev/null || true
        openbao_dev_pid=
    fi
}

# One password for every run against the server, so a rerun has nothing to change; kept in a private vars file
# rather than on the command line, where other users could read it in the process list.
openbao_dev_demo_vars() {
    "$bin/python" - "$1" <<'PY'
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
}

openbao_dev_ansible_env() {
    export ANSIBLE_COLLECTIONS_PATH="${CITADEL_COLLECTIONS_PATH:-$root/.build}"
    export ANSIBLE_LOCALHOST_WARNING=false
    export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
    export ANSIBLE_PYTHON_INTERPRETER="$bin/python"
}
