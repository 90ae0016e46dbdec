# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One call from resolved options to an authenticated client, used by the module base and the lookup base."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._vault import _auth
from ansible_collections.citadel.secrets.plugins.module_utils._vault._client import VaultClient
from ansible_collections.citadel.secrets.plugins.module_utils._vault._connection import ConnectionSettings


def validate(options):
    """Everything about connection and auth that can be checked without the network."""
    settings = ConnectionSettings.from_options(options)
    _auth.validate(options)
    return settings


def connect(options):
    settings = validate(options)
    client = VaultClient(settings)
    client.auth = _auth.login(client, options)
    return client
