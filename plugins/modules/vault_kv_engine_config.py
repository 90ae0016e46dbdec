#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_kv_engine_config
short_description: Configure the mount-wide settings of a Vault or OpenBao KV version 2 engine
version_added: 0.1.0
description:
  - Sets how many versions a KV version 2 engine keeps, whether writes need check-and-set, and when old
    versions are deleted, at C(<mount>/config).
  - The configuration always exists on a KV version 2 mount, so there is no C(state) option; only the settings
    given are compared and written.
  - Fails, before writing anything, when O(mount) is not the root of a KV version 2 engine.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description:
      - Path of the KV version 2 engine, for example V(secret).
    type: str
    required: true
  max_versions:
    description:
      - Number of versions kept per secret. V(0) means the server default (10).
    type: int
  cas_required:
    description:
      - Whether every write to the engine must carry a check-and-set version.
    type: bool
  delete_version_after:
    description:
      - How long a version lives before it is deleted, as seconds or a duration such as V(720h) or V(30d).
        V(0) keeps versions forever.
    type: raw
  metadata_cas_required:
    description:
      - Whether writes to secret metadata must carry a check-and-set version.
      - OpenBao only; setting it on a server that does not report it fails before anything is written.
    type: bool
notes:
  - Which engine sits at O(mount) is read from C(sys/internal/ui/mounts/<mount>), which any token with access to
    the mount may read; the token also needs C(read) and C(update) on C(<mount>/config).
seealso:
  - module: citadel.secrets.vault_secrets_engine
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Keep 20 versions and drop them after 90 days
  citadel.secrets.vault_kv_engine_config:
    mount: secret
    max_versions: 20
    delete_version_after: 90d

- name: Require check-and-set on every write
  citadel.secrets.vault_kv_engine_config:
    mount: team-a
    cas_required: true
"""

RETURN = r"""
config:
  description: The configuration after the task (in check mode, what it would be).
  returned: always
  type: dict
  contains:
    mount:
      description: Mount path, without the trailing slash.
      type: str
      returned: always
      sample: secret
    max_versions:
      description: Versions kept per secret; V(0) means the server default.
      type: int
      returned: always
    cas_required:
      description: Whether writes need check-and-set.
      type: bool
      returned: always
    delete_version_after:
      description: Seconds after which a version is deleted; V(0) means never.
      type: int
      returned: always
      sample: 2592000
    metadata_cas_required:
      description: Whether metadata writes need check-and-set.
      type: bool
      returned: when the server reports it (OpenBao)
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._kv_engine_config import (
    KvEngineConfigResource)


def main():
    run_resource_module(KvEngineConfigResource, KvEngineConfigResource.argspec, **KvEngineConfigResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
