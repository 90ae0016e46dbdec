# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Config modules: full check and diff mode.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: Reads the current state and reports exactly what a real run would change, without writing.
  diff_mode:
    support: full
    description: Shows the object before and after, with every secret value replaced by a marker.
"""

    # Read-only modules.
    INFO = r"""
attributes:
  check_mode:
    support: full
    description: Only reads; runs the same in check mode.
  diff_mode:
    support: none
    description: Only reads, so there is nothing to show a difference for.
"""

    # Member of the citadel.secrets.vault action group (module_defaults).
    VAULT_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [citadel.secrets.vault]
    description: Use C(group/citadel.secrets.vault) in C(module_defaults) to set connection and auth options once.
"""

    # Vault modules run in the controller's worker for local connections (plugins/action/vault_config.py).
    IN_PROCESS = r"""
attributes:
  action:
    support: full
    description:
      - With a C(local) connection (a play on C(localhost), or the task delegated to it) the module's code runs inside
        Ansible's worker process through the collection's action plugin, with the same option checks, environment
        fallbacks (the task's C(environment) included), check mode, diff and masking. This saves packaging and
        starting a module process for every task and loop item.
      - Other connections, C(become) and async tasks run the module on the target. The variable
        C(citadel_in_process=false) runs it as a module on the controller too.
"""
