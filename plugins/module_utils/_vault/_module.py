# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Vault module base: shared options, one client per run, one error handler.

A config module is a declaration::

    def main():
        run_resource_module(PolicyResource, ARGSPEC, mutually_exclusive=[...])

and an info module::

    def main():
        run_info_module(read_policies, ARGSPEC)
"""

from __future__ import annotations

import copy
import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connect, _connection


def common_argspec():
    spec = copy.deepcopy(_connection.ARGSPEC)
    spec.update(copy.deepcopy(_auth.ARGSPEC))
    return spec


class VaultModule(AnsibleModule):
    def __init__(self, argument_spec, **kwargs):
        spec = common_argspec()
        spec.update(argument_spec)
        kwargs.setdefault("supports_check_mode", True)
        super().__init__(argument_spec=spec, **kwargs)
        self._vault_client = None

    def client(self):
        """The authenticated client, created on first use."""
        if self._vault_client is None:
            self._vault_client = _connect.connect(self.params)
        return self._vault_client

    def fail_citadel(self, exc):
        extra = {k: v for k, v in (exc.details or {}).items() if k in ("status", "path", "applied", "not_applied")}
        self.fail_json(msg=exc.msg, **extra)


def run_resource_module(resource_class, argument_spec, **module_kwargs):
    """Validate, connect, reconcile one resource and exit."""
    module = VaultModule(argument_spec, **module_kwargs)
    try:
        resource = resource_class(module.params)
        resource.validate()
        _connect.validate(module.params)
        resource.bind(module.client())
        outcome = reconcile(resource, module.params.get("state") or "present", module.check_mode)
    except CitadelError as exc:
        module.fail_citadel(exc)
    except Exception as exc:  # an unexpected bug must still not dump locals with secrets
        module.fail_json(msg="unexpected error in %s: %s" % (module._name, type(exc).__name__),
                         exception=traceback.format_exc())
    module.exit_json(**outcome.result(module._diff))


def run_info_module(read, argument_spec, **module_kwargs):
    """Validate, connect, call ``read(client, params) -> dict`` and exit unchanged."""
    module = VaultModule(argument_spec, **module_kwargs)
    try:
        _connect.validate(module.params)
        result = read(module.client(), module.params)
    except CitadelError as exc:
        module.fail_citadel(exc)
    except Exception as exc:
        module.fail_json(msg="unexpected error in %s: %s" % (module._name, type(exc).__name__),
                         exception=traceback.format_exc())
    module.exit_json(changed=False, **result)
