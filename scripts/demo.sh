#!/usr/bin/env bash
# `make demo`: start a throwaway OpenBao dev server on a free loopback port, run playbooks/demo.yml against
# it twice (the second run must report changed=0), then stop the server whatever happens.
# Expects the venv (.venv) and the collection tree (.build) that `make demo` prepares; arguments go to
# ansible-playbook (e.g. scripts/demo.sh -v).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="$root/.venv/bin"
# shellcheck source=scripts/openbao-dev.sh
. "$root/scripts/openbao-dev.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/citadel-demo.XXXXXX")
chmod 700 "$work"
cleanup() {
    openbao_dev_stop
    rm -rf "$work"
}
trap cleanup EXIT

openbao_dev_start "$work"
openbao_dev_demo_vars "$work/demo-vars.yml"
openbao_dev_ansible_env

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
