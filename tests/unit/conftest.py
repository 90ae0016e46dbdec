"""Make ``ansible_collections.citadel.secrets`` importable from this checkout, without installing it."""

from __future__ import annotations

import os
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _install_collection_finder():
    tree = tempfile.mkdtemp(prefix="citadel-unit-")
    os.makedirs(os.path.join(tree, "ansible_collections", "citadel"))
    os.symlink(ROOT, os.path.join(tree, "ansible_collections", "citadel", "secrets"))
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    _AnsibleCollectionFinder(paths=[tree])._install()
    return tree


COLLECTIONS_PATH = _install_collection_finder()
