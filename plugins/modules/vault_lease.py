#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_lease
short_description: Renew or revoke leases of Vault or OpenBao dynamic secrets
version_added: 0.2.0
description:
  - With O(state=revoked), revokes the lease O(lease_id) (for dynamic database credentials the server drops
    the database user), or every lease under O(prefix).
  - The lease is looked up first (C(sys/leases/lookup)), so revoking a lease that has already expired or been
    revoked reports no change.
  - With O(state=renewed), renews the lease O(lease_id), by O(increment) when given. A renewal always reports a
    change; the server may grant less than asked for (up to the role's C(max_ttl)), see RV(lease_duration).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  lease_id:
    description:
      - The lease, as returned with the secret (for example the C(lease_id) of the C(citadel.secrets.vault_read)
        lookup on C(database/creds/<role>)).
      - Exactly one of O(lease_id) and O(prefix) is required.
    type: str
  prefix:
    description:
      - Revoke every lease whose ID starts with this path, for example V(database/creds/readonly) for all
        credentials of one role. A lease ID is a prefix of itself.
      - Needs a C(sudo) capability on C(sys/leases/revoke-prefix/<prefix>) and C(sys/leases/lookup/<prefix>).
      - Only with O(state=revoked).
    type: str
  increment:
    description:
      - With O(state=renewed), the lease to ask for from now, as seconds (V(3600)) or a duration (V(1h)).
        Without it the server applies the role's default TTL.
    type: raw
  state:
    description:
      - V(revoked) revokes; V(renewed) renews.
    type: str
    choices: [revoked, renewed]
    default: revoked
notes:
  - The token needs C(update) on C(sys/leases/lookup) and on C(sys/leases/revoke) or C(sys/leases/renew).
  - Revocation is synchronous, so when the task returns the credentials no longer work.
  - Renewing a lease that does not exist, or is not renewable, fails with a clear message.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Read dynamic credentials
  ansible.builtin.set_fact:
    db_creds: "{{ lookup('citadel.secrets.vault_read', 'database/creds/readonly') }}"
  no_log: true

- name: Keep them for two more hours
  citadel.secrets.vault_lease:
    lease_id: "{{ db_creds.lease_id }}"
    increment: 2h
    state: renewed

- name: Done with them
  citadel.secrets.vault_lease:
    lease_id: "{{ db_creds.lease_id }}"

- name: Revoke every credential issued for one role
  citadel.secrets.vault_lease:
    prefix: database/creds/readonly
"""

RETURN = r"""
lease:
  description:
    - With O(lease_id), the lease after the task; empty once revoked.
  returned: always
  type: dict
  contains:
    id:
      description: Lease ID.
      type: str
      returned: when the lease exists
    path:
      description: Path the secret was read from.
      type: str
      returned: when the lease exists
    issue_time:
      description: When the lease was issued.
      type: str
      returned: when the lease exists
    expire_time:
      description: When the lease ends.
      type: str
      returned: when the lease exists
    last_renewal:
      description: When it was last renewed, or null.
      type: str
      returned: when the lease exists
    renewable:
      description: Whether it can be renewed.
      type: bool
      returned: when the lease exists
    ttl:
      description: Seconds left.
      type: int
      returned: when the lease exists
lease_duration:
  description: Seconds the server granted on renewal.
  returned: when a lease was renewed (not in check mode)
  type: int
revoked:
  description: With O(prefix), the lease IDs that were (or, in check mode, would be) revoked.
  returned: with O(prefix)
  type: list
  elements: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._lease import LeaseResource

ARGSPEC = dict(
    lease_id=dict(type="str"),
    prefix=dict(type="str"),
    increment=dict(type="raw"),
    state=dict(type="str", default="revoked", choices=["revoked", "renewed"]),
)


def main():
    run_resource_module(LeaseResource, ARGSPEC, required_one_of=[("lease_id", "prefix")],
                        mutually_exclusive=[("lease_id", "prefix")], supports_check_mode=True)


if __name__ == "__main__":
    main()
