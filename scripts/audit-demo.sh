#!/usr/bin/env bash
# `make audit-demo`: start a throwaway OpenBao dev server (as `make demo` does), configure it with
# playbooks/demo.yml, audit it with playbooks/audit.yml, print the Markdown report and say where the HTML page is.
# Expects the venv (.venv) and the collection tree (.build) that `make audit-demo` prepares. The reports go to
# $AUDIT_DIR (default .build/audit-demo); arguments go to ansible-playbook (e.g. scripts/audit-demo.sh -v).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="$root/.venv/bin"
# shellcheck source=scripts/openbao-dev.sh
. "$root/scripts/openbao-dev.sh"

out=$(realpath -m "${AUDIT_DIR:-$root/.build/audit-demo}")
work=$(mktemp -d "${TMPDIR:-/tmp}/citadel-audit-demo.XXXXXX")
chmod 700 "$work"
cleanup() {
    openbao_dev_stop
    rm -rf "$work"
}
trap cleanup EXIT

openbao_dev_start "$work"
openbao_dev_demo_vars "$work/demo-vars.yml"
openbao_dev_ansible_env

echo
echo "=== Configure OpenBao (playbooks/demo.yml) ==="
"$bin/ansible-playbook" "$root/playbooks/demo.yml" -e "@$work/demo-vars.yml" "$@" >"$work/demo.log" \
    || { cat "$work/demo.log" >&2; exit 1; }
grep -E '^localhost +:' "$work/demo.log"

echo
echo "=== Audit it (playbooks/audit.yml) ==="
"$bin/ansible-playbook" "$root/playbooks/audit.yml" -e audit_output_dir="$out" "$@" >"$work/audit.log" \
    || { cat "$work/audit.log" >&2; exit 1; }
grep -E '^localhost +:' "$work/audit.log"

echo
cat "$out/posture-report.md"
echo
echo "HTML report (self-contained, open it in a browser): $out/posture-report.html"
echo "Markdown: $out/posture-report.md   raw result: $out/posture-report.json"
