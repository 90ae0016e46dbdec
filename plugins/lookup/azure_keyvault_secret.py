# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: azure_keyvault_secret
short_description: Read secrets from Azure Key Vault
version_added: 0.1.0
description:
  - Returns the value of one or more Azure Key Vault secrets, the current version or a given one.
  - Gets a token once per credential set in each process and reuses the client for every term and task.
  - The returned values are secrets. Set C(no_log=true) on tasks that use them in ways Ansible prints.
extends_documentation_fragment:
  - citadel.secrets.azure
  - citadel.secrets.azure.PLUGINS
  - citadel.secrets.lookup_errors
options:
  _terms:
    description:
      - Secrets as C(name) (the current version) or C(name/version), or a secret identifier URL
        (C(https://myvault.vault.azure.net/secrets/name[/version])), which also sets the vault for that term.
    type: list
    elements: str
    required: true
notes:
  - A soft-deleted secret, a version that does not exist and a disabled version count as missing (O(on_missing));
    HTTP 403 for any other reason counts as denied (O(on_denied)).
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Use a secret (credentials from the environment, a managed identity or az login)
  ansible.builtin.template:
    src: app.conf.j2
    dest: /etc/app/app.conf
    mode: "0600"
  vars:
    db_password: "{{ lookup('citadel.secrets.azure_keyvault_secret', 'db-password',
                     vault_url='https://myvault.vault.azure.net') }}"
  no_log: true

- name: A pinned version, and a secret that may not exist yet
  ansible.builtin.set_fact:
    keys: "{{ query('citadel.secrets.azure_keyvault_secret',
                    'api-key/0a4f7b3c9d8e4f5aa1b2c3d4e5f60718', 'new-api-key', on_missing='skip') }}"
  vars:
    citadel_azure_vault_url: https://myvault.vault.azure.net
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One value per term found (secret values, strings).
  type: list
  elements: str
"""

from urllib.parse import urlparse

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _azure
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import CitadelLookupBase, Missing


def parse_term(term):
    """``(vault_url or None, name, version or None)`` from ``name[/version]`` or a secret identifier URL."""
    term = (term or "").strip()
    vault = None
    if term.startswith("https://"):
        parsed = urlparse(term)
        parts = [p for p in parsed.path.split("/") if p]
        if len(parts) not in (2, 3) or parts[0] != "secrets":
            raise CitadelError("%r is not a secret identifier (https://<vault>/secrets/<name>[/<version>])" % term)
        vault = "%s://%s" % (parsed.scheme, parsed.netloc)
        term = "/".join(parts[1:])
    parts = term.strip("/").split("/")
    if len(parts) > 2:
        raise CitadelError("term %r must be name or name/version" % term)
    name = _azure.check_name(parts[0], "term")
    return vault, name, (parts[1] if len(parts) == 2 and parts[1] else None)


class LookupModule(CitadelLookupBase):
    def prepare(self):
        return self.options(_azure.OPTIONS)

    def lookup_term(self, context, term):
        vault, name, version = parse_term(term)
        options = dict(context, vault_url=vault) if vault else context
        client = _azure.cached_client(options)
        what = "%s%s in %s" % (name, " version %s" % version if version else "", client.url)
        try:
            secret = client.get(name, version)
        except CitadelError as exc:
            if exc.details.get("inner") == "SecretDisabled":
                raise Missing("secret %s is disabled" % what)
            raise
        if secret is None:
            raise Missing("no secret %s (absent, or soft-deleted)" % what)
        return [secret.value]
