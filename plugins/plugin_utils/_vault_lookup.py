# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base for Vault lookups: the modules' connection and auth options, and the run's session for them
(``_vault_session``: one login per credential set for the whole run)."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import CitadelLookupBase
from ansible_collections.citadel.secrets.plugins.plugin_utils._vault_session import SHARED_OPTIONS, session_client


class VaultLookupBase(CitadelLookupBase):
    """Subclasses implement ``lookup_term(client, term)``."""

    def prepare(self):
        return session_client(self.options(SHARED_OPTIONS))
