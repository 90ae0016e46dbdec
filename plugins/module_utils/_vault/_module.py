# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Vault backend for the shared module runner: connection + auth options, one client per run.

A config module is a declaration::

    def main():
        run_resource_module(PolicyResource, ARGSPEC, mutually_exclusive=[...])

and an info module::

    def main():
        run_info_module(read_policies, ARGSPEC)
"""

from __future__ import annotations

import copy

from ansible_collections.citadel.secrets.plugins.module_utils import _module
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth, _connect, _connection


def common_argspec():
    spec = copy.deepcopy(_connection.ARGSPEC)
    spec.update(copy.deepcopy(_auth.ARGSPEC))
    return spec


BACKEND = _module.Backend(common_argspec(), _connect.validate, _connect.connect_reused)


def run_resource_module(resource_class, argument_spec, **module_kwargs):
    _module.run_resource_module(BACKEND, resource_class, argument_spec, **module_kwargs)


def run_info_module(read, argument_spec, **module_kwargs):
    _module.run_info_module(BACKEND, read, argument_spec, **module_kwargs)
