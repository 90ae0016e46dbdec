# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by the sops_file module and the sops lookup (module_utils/_sops_file.py COMMON_ARGSPEC).
    DOCUMENTATION = r"""
options:
  sops_binary:
    description:
      - The C(sops) executable, a name looked up on E(PATH) or a path. sops 3.9 or newer is needed; its version
        is detected once per process (with E(SOPS_DISABLE_VERSION_CHECK=1), so nothing is fetched).
    type: str
    default: sops
  age_key:
    description:
      - An age identity (C(AGE-SECRET-KEY-1...)) used to decrypt, passed to sops as E(SOPS_AGE_KEY) in its
        environment, never on its command line.
      - When neither this nor O(age_key_file) is given, sops uses its own defaults (E(SOPS_AGE_KEY),
        E(SOPS_AGE_KEY_FILE), C(~/.config/sops/age/keys.txt)).
    type: str
  age_key_file:
    description:
      - A file of age identities used to decrypt, passed to sops as E(SOPS_AGE_KEY_FILE).
    type: path
  vault_token:
    description:
      - Token for Vault or OpenBao transit recipients, passed to sops as E(VAULT_TOKEN). Without it sops uses
        E(VAULT_TOKEN) or C(~/.vault-token). The server address is part of the transit key URI stored in the file.
    type: str
notes:
  - Plaintext is exchanged with sops through pipes only; it is never written to disk and never appears on a
    command line. sops error messages are passed on with secret values removed.
requirements:
  - sops 3.9 or newer (for example from the C(sops-binary) Python package or the project's releases)
"""

    # Where lookups also take these options from.
    PLUGINS = r"""
options:
  sops_binary:
    ini:
      - section: citadel_sops
        key: sops_binary
    vars:
      - name: citadel_sops_binary
  age_key:
    vars:
      - name: citadel_sops_age_key
  age_key_file:
    ini:
      - section: citadel_sops
        key: age_key_file
    vars:
      - name: citadel_sops_age_key_file
  vault_token:
    vars:
      - name: citadel_sops_vault_token
"""
