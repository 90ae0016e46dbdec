#!/usr/bin/env bash
# Check the built collection tarball (from `make build`): it ships no test or dev files, it installs
# with ansible-galaxy, and every module and lookup in plugins/ renders its documentation once installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin="$root/.venv/bin"
dist=.build/dist

shopt -s nullglob
tarballs=("$dist"/citadel-secrets-*.tar.gz)
if [ "${#tarballs[@]}" -ne 1 ]; then
    echo "expected exactly one tarball in $dist, found ${#tarballs[@]}" >&2
    exit 1
fi
tarball=$(realpath "${tarballs[0]}")
echo "tarball: $tarball ($(du -h "$tarball" | cut -f1))"

mapfile -t entries < <(tar -tzf "$tarball")
entries=("${entries[@]#./}")
printf '  %s\n' "${entries[@]}"
listing=$(printf '%s\n' "${entries[@]}")
forbidden='^(tests|molecule|bench|scripts|\.ci|\.venv|\.build|\.ansible|\.git[^/]*|\.pytest_cache)(/|$)|^(Makefile|requirements-test\.txt|\.ansible-lint|\.yamllint)$|(^|/)__pycache__/|\.tar\.gz$'
if bad=$(grep -E "$forbidden" <<<"$listing"); then
    echo "FAIL: test/dev files in the tarball:" >&2
    echo "$bad" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/citadel-build-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export ANSIBLE_COLLECTIONS_PATH="$tmp/collections"
"$bin/ansible-galaxy" collection install --offline -p "$tmp/collections" "$tarball"
export ANSIBLE_HOME="$tmp/ansible-home"
cd "$tmp"  # nothing adjacent to the working directory may supply the collection

# Plugin lists come from the source tree, so a plugin missing from the tarball is caught.
plugin_names() {  # DIR -> FQCNs of the plugins in DIR
    local f
    for f in "$root/$1"/*.py; do
        case "$(basename "$f")" in __init__.py) continue ;; esac
        printf 'citadel.secrets.%s\n' "$(basename "$f" .py)"
    done
}

status=0
for spec in module:plugins/modules lookup:plugins/lookup; do
    ptype=${spec%%:*}
    mapfile -t names < <(plugin_names "${spec#*:}")
    if [ "${#names[@]}" -eq 0 ]; then
        echo "no ${ptype} plugins yet: nothing to document"
        continue
    fi
    echo "ansible-doc -t $ptype: ${names[*]}"
    "$bin/ansible-doc" -t "$ptype" --json "${names[@]}" >"$tmp/doc.json" 2>"$tmp/doc.err" || status=1
    "$bin/ansible-doc" -t "$ptype" "${names[@]}" >"$tmp/doc.txt" 2>>"$tmp/doc.err" || status=1
    if grep -E '\[(WARNING|ERROR)\]' "$tmp/doc.err" >&2; then status=1; fi
    "$bin/python" - "$ptype" "$tmp/doc.json" "${names[@]}" <<'PY' || status=1
import json
import sys

ptype, path, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(path, encoding="utf-8") as handle:
    docs = json.load(handle)
bad = 0
for name in names:
    entry = docs.get(name) or {}
    missing = [key for key in ("doc", "examples") if not entry.get(key)]
    if ptype == "module" and entry.get("return") is None:
        missing.append("return")
    if missing:
        print(f"FAIL: {ptype} {name}: no {', '.join(missing)} in the installed collection", file=sys.stderr)
        bad = 1
    else:
        print(f"  ok  {name}: {len(entry['doc'].get('options') or {})} options")
sys.exit(bad)
PY
done
if [ "$status" -ne 0 ]; then
    echo "build-check FAILED" >&2
    exit 1
fi
echo "build-check passed"
