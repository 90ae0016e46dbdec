#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_raft_snapshot
short_description: Save a Raft snapshot of a Vault or OpenBao cluster to a file, or restore one
version_added: 0.1.0
description:
  - With O(dest), saves a snapshot of the cluster's integrated storage (C(GET sys/storage/raft/snapshot)) to a
    file on the host running the module. The snapshot is first written to a temporary file with mode V(0600) in
    the same directory and checked against the checksums inside it (C(SHA256SUMS), as the C(bao) and C(vault)
    command lines check). Only then is it renamed into place, so O(dest) is never a partial or corrupt snapshot.
  - With O(src), restores the cluster from a snapshot file on the host running the module
    (C(POST sys/storage/raft/snapshot)). Everything written since that snapshot is lost. A restore always reports
    a change; check mode only checks that it could run. The task ends when the active node serves requests again,
    which takes a few seconds after the restore.
  - A snapshot holds all the cluster's data, encrypted, and its keyring. Its content is never part of the result,
    only its path, size and SHA-256. Keep snapshot files as secret as the unseal keys.
  - With C(delegate_to) set to C(localhost), the file is written or read on the controller instead of the node.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
options:
  dest:
    description:
      - Save a snapshot to this file. The directory must exist. The file gets mode V(0600).
      - Mutually exclusive with O(src).
    type: path
  overwrite:
    description:
      - With O(dest), what to do when the file exists. V(true) replaces it with a new snapshot; every run then
        reports a change. V(false) leaves it and reports no change.
    type: bool
    default: true
  src:
    description:
      - Restore the snapshot in this file. O(url) must point at the active node.
      - The file is checked against the checksums inside it before anything is sent.
      - Mutually exclusive with O(dest).
    type: path
  force:
    description:
      - With O(src), restore a snapshot taken on another cluster (C(sys/storage/raft/snapshot-force)). The cluster
        then has that cluster's keyring, so it must be unsealed with that cluster's keys.
    type: bool
    default: false
notes:
  - The token needs C(read) on C(sys/storage/raft/snapshot) to save (C(sudo) on B(HashiCorp Vault)). To restore, it
    needs C(update) and C(sudo) on C(sys/storage/raft/snapshot) (or C(sys/storage/raft/snapshot-force)).
  - Any unsealed node can save a snapshot, because standbys forward the request. Some versions of both servers
    sometimes send an incomplete snapshot through a standby; the checksum check catches it, and the active node
    is the safer O(url).
  - A restore is checked against C(sys/leader) and refused unless O(url) is the active node. B(OpenBao) 2.x accepts
    a restore sent to a standby, fails it in the background, and leaves that standby sealed.
  - The restore request is sent once, without the usual retries.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Nightly snapshot on the controller
  citadel.secrets.vault_raft_snapshot:
    url: https://vault1.example.com:8200
    dest: "/srv/backups/vault/raft-{{ now(utc=true, fmt='%Y%m%dT%H%M%SZ') }}.snap"
  delegate_to: localhost

- name: Take a snapshot before an upgrade unless one was already taken
  citadel.secrets.vault_raft_snapshot:
    dest: /var/backups/vault/pre-upgrade.snap
    overwrite: false

- name: Restore the cluster from a snapshot (on the active node)
  citadel.secrets.vault_raft_snapshot:
    url: https://vault1.example.com:8200
    src: /srv/backups/vault/raft-20250101T000000Z.snap
  delegate_to: localhost
"""

RETURN = r"""
snapshot:
  description: The snapshot file after the task. The content is never returned.
  returned: always
  type: dict
  contains:
    path:
      description: The O(dest) or O(src) file.
      type: str
      returned: always
    exists:
      description: Whether O(dest) exists.
      type: bool
      returned: with O(dest)
    mode:
      description: Mode of O(dest), V(0600) when this run wrote it.
      type: str
      returned: with O(dest) when the file exists
    size:
      description: Size of the snapshot in bytes (V((new)) in check mode for a snapshot not taken yet).
      type: raw
      returned: when the file exists
    sha256:
      description: SHA-256 of the snapshot file (V((new)) in check mode for a snapshot not taken yet).
      type: str
      returned: when the file exists
    restored:
      description: Whether the snapshot was restored (V(true) in check mode when it would be).
      type: bool
      returned: with O(src)
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._raft_snapshot import (
    RaftSnapshotResource)

ARGSPEC = dict(
    dest=dict(type="path"),
    overwrite=dict(type="bool", default=True),
    src=dict(type="path"),
    force=dict(type="bool", default=False),
)


def main():
    run_resource_module(RaftSnapshotResource, ARGSPEC, mutually_exclusive=[("dest", "src")],
                        required_one_of=[("dest", "src")], supports_check_mode=True)


if __name__ == "__main__":
    main()
