# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The token_* options of login roles (module_utils/_vault/_token_fields.py ARGSPEC).
    DOCUMENTATION = r"""
options:
  token_policies:
    description:
      - Policies attached to tokens issued through this role. Compared as a set.
    type: list
    elements: str
  token_ttl:
    description:
      - Initial TTL of issued tokens, as seconds or a duration such as V(15m) or V(1h).
      - V(0) means the mount's default.
    type: raw
  token_max_ttl:
    description:
      - Maximum lifetime of issued tokens, including renewals, as seconds or a duration.
      - V(0) means the mount's default.
    type: raw
  token_explicit_max_ttl:
    description:
      - Hard maximum lifetime of issued tokens that the mount's max TTL cannot raise, as seconds or a duration.
      - V(0) means none.
    type: raw
  token_period:
    description:
      - Makes issued tokens periodic with this renewal period, as seconds or a duration. V(0) means not periodic.
    type: raw
  token_num_uses:
    description:
      - Number of requests an issued token may make. V(0) means unlimited.
    type: int
  token_bound_cidrs:
    description:
      - CIDR blocks (or single addresses) issued tokens may be used from. Compared as a set; V(10.0.0.1/32) and
        V(10.0.0.1) are the same.
    type: list
    elements: str
  token_no_default_policy:
    description:
      - Do not attach the V(default) policy to issued tokens.
    type: bool
  token_type:
    description:
      - Type of token issued. V(default) follows the mount's setting.
    type: str
    choices: [default, service, batch]
"""
