# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side base for Vault lookups: options, one authenticated client per credential set, and
``on_missing`` / ``on_denied`` handling. A lookup subclass only parses its terms and reads.

Options come, in Ansible's order of precedence, from the lookup's keyword arguments, then Ansible
variables (``citadel_vault_*``), then environment variables, then ``[citadel_vault]`` in ansible.cfg;
the option names and their meaning are the modules' own (``module_utils/_vault/_connection.py`` and
``_auth.py``), so one definition serves both.
"""

from __future__ import annotations

import hashlib

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connect, _connection

display = Display()

#: option names shared with the modules
SHARED_OPTIONS = tuple(_connection.ARGSPEC) + tuple(_auth.ARGSPEC)

# Authenticated clients of this process, by connection + credential fingerprint. The credentials
# themselves are never kept here, only a digest; tokens live in memory only and die with the process.
_CLIENTS = {}


def _fingerprint(options):
    digest = hashlib.sha256()
    for name in sorted(SHARED_OPTIONS):
        digest.update(("%s=%r;" % (name, options.get(name))).encode("utf-8"))
    return digest.hexdigest()


class VaultLookupBase(LookupBase):
    """Subclasses implement ``lookup_term(client, term)`` returning a list of values for one term."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            client = self.client()
        except CitadelError as exc:
            raise AnsibleError("%s: %s" % (self.plugin_name(), exc.msg))
        results = []
        for term in terms:
            try:
                results.extend(self.lookup_term(client, term))
            except _Missing as missing:
                self._handle("on_missing", missing.args[0])
            except CitadelError as exc:
                if (exc.details or {}).get("status") == 403:
                    self._handle("on_denied", exc.msg)
                else:
                    raise AnsibleLookupError("%s: %s" % (self.plugin_name(), exc.msg))
        return results

    # -- helpers for subclasses ------------------------------------------------------------------
    def plugin_name(self):
        return "citadel.secrets.%s" % self._load_name.split(".")[-1]

    def shared_options(self):
        return {name: self.option(name) for name in SHARED_OPTIONS}

    def option(self, name):
        """``get_option``, with values that came from Ansible variables templated: lookups receive
        variables raw, so ``citadel_vault_secret_id: "{{ vaulted_secret }}"`` would otherwise arrive
        as the literal template text."""
        value, origin = self.get_option_and_origin(name)
        if isinstance(value, str) and str(origin).startswith("var") and self._templar is not None:
            value = self._templar.template(value)
        return value

    def client(self):
        options = self.shared_options()
        key = _fingerprint(options)
        client = _CLIENTS.get(key)
        if client is None:
            client = _connect.connect(options)
            _CLIENTS[key] = client
        return client

    @staticmethod
    def missing(msg):
        return _Missing(msg)

    def _handle(self, option, msg):
        action = self.get_option(option)
        if action == "error":
            raise AnsibleLookupError("%s: %s" % (self.plugin_name(), msg))
        if action == "warn":
            display.warning("%s: %s" % (self.plugin_name(), msg))


class _Missing(Exception):
    """Raised by ``lookup_term`` (through ``self.missing``) when a term names nothing."""
