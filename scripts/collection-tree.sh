#!/usr/bin/env bash
# Materialise the collection as DEST/ansible_collections/citadel/secrets (DEST defaults to .build):
# a fresh copy of the tracked and untracked-but-not-ignored files, so stale files never survive.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.build}
tree="$dest/ansible_collections/citadel/secrets"

rm -rf "$dest/ansible_collections"
mkdir -p "$tree"

if [ -d .git ] && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked files deleted in the work tree are still listed by git: keep only what exists.
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do
            case "$f" in .venv/* | .build/* | "$dest"/*) continue ;; esac
            if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done \
        | tar --null --verbatim-files-from --files-from=- -cf - \
        | tar -xf - -C "$tree"
else
    tar --exclude=./.venv --exclude=./.venv-oldest --exclude=./.build --exclude=./.git --exclude=./.ansible \
        --exclude='__pycache__' --exclude='.pytest_cache' --exclude=./tests/output \
        --exclude="./$dest" -cf - . \
        | tar -xf - -C "$tree"
fi
echo "collection tree: $tree"
