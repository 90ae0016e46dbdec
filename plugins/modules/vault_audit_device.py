#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_audit_device
short_description: Manage a Vault or OpenBao audit device
version_added: 0.1.0
description:
  - Enables, re-creates or disables a C(file), C(socket) or C(syslog) audit device at C(sys/audit/<path>).
  - The API cannot modify an enabled audit device. When the type, description, O(local) or any option the task
    sets differs from the server, the module B(disables the device and enables it again) with the new settings,
    reports C(changed) and returns RV(recreated=true). A re-created device gets a new HMAC salt, so hashes in
    earlier log entries can no longer be reproduced with C(sys/audit-hash).
  - If the device was disabled but enabling it again fails (for example the new C(options.file_path) cannot be
    opened by the server), the task fails saying that the device was removed and not re-created.
  - Options are validated before any request; unknown option names for the device type are refused with the
    list of known ones.
notes:
  - B(OpenBao) 2.3.2 and later refuse to create audit devices through the API unless the server configuration
    sets C(unsafe_allow_api_audit_creation = true). The module reads that setting from
    C(sys/config/state/sanitized) before writing (when the token may read it) and fails without disabling
    anything when it is off; a refusal by the server is reported with the same explanation.
  - The recommended alternative on OpenBao 2.4 and later is a declarative audit device in the server
    configuration, applied on start and on SIGHUP, for example
    C(audit "file" "audit" { options { file_path = "/var/log/openbao/audit.log" } }).
    Such configuration-managed devices cannot be disabled or changed through the API; the module says so when
    a task tries.
  - B(HashiCorp Vault) allows creating audit devices through the API.
  - The C(options.prefix) option needs C(allow_audit_log_prefixing = true) in the server configuration on
    OpenBao 2.3.2+ and HashiCorp Vault 1.20.1+; both refuse executable bits in C(options.mode).
  - While an audit device is enabled the server logs every request; if no enabled audit device can record a
    request, the server refuses the request.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  path:
    description:
      - Where the device is enabled, for example V(file) or V(audit/primary). Leading and trailing slashes are
        ignored.
    type: str
    required: true
  device_type:
    description:
      - Type of the audit device. Required when O(state=present).
      - A different type than the existing device's re-creates the device with only the options given.
    type: str
    choices: [file, socket, syslog]
    aliases: [type]
  description:
    description:
      - Human-friendly description. Not compared when omitted.
    type: str
  options:
    description:
      - Device options, as the server's C(options) map. Values are sent and compared as the strings the server
        stores (booleans as V(true)/V(false), C(options.mode) as four octal digits, C(options.write_timeout)
        in seconds or milliseconds).
      - Only the keys given here are compared; other options already set on the device are kept when it is
        re-created.
      - "File devices: V(file_path) (required; an absolute path on the server, V(stdout) or V(discard)) and
        V(mode) (a quoted octal string such as V('0600'), the server default; V('0000') leaves the mode alone;
        executable bits are refused)."
      - "Socket devices: V(address) (required, for example V(127.0.0.1:9090) or a Unix socket path),
        V(socket_type) (V(tcp), the default, V(udp), V(unix) or another Go network name) and V(write_timeout)
        (seconds, or a duration such as V(2s), the default, or V(500ms))."
      - "Syslog devices: V(facility) (for example V(AUTH), the default, or V(LOCAL0)) and V(tag)."
      - "All types: V(format) (V(json); V(jsonx) on HashiCorp Vault only), V(prefix) (see the notes),
        V(hmac_accessor) (default V(true)), V(log_raw) (default V(false); logs secrets unhashed),
        V(elide_list_responses) (default V(false)), and for HashiCorp Vault Enterprise V(filter), V(fallback)
        and V(exclude)."
      - Any other key is refused before a request is sent, with the list of keys known for the type.
    type: dict
  local:
    description:
      - Whether the device is local to this cluster and not replicated. Not compared when omitted; a new device is
        not local unless set.
    type: bool
  state:
    description:
      - V(present) enables the device, re-creating it when it differs; V(absent) disables it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - name: OpenBao declarative audit devices
    description: The audit stanza of the OpenBao server configuration.
    link: https://openbao.org/docs/configuration/audit
  - name: Audit devices API
    description: The sys/audit endpoint.
    link: https://openbao.org/api-docs/system/audit/
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Audit log in a file
  citadel.secrets.vault_audit_device:
    path: file
    device_type: file
    description: Primary audit log
    options:
      file_path: /var/log/openbao/audit.log
      mode: "0640"

- name: A second device so that a full disk does not block every request
  citadel.secrets.vault_audit_device:
    path: socket
    device_type: socket
    options:
      address: 127.0.0.1:9090
      socket_type: tcp
      write_timeout: 5s

- name: Syslog
  citadel.secrets.vault_audit_device:
    path: syslog
    type: syslog
    options:
      facility: LOCAL0
      tag: openbao

- name: Disable a device
  citadel.secrets.vault_audit_device:
    path: legacy
    state: absent
"""

RETURN = r"""
audit_device:
  description: The audit device after the task (empty when absent).
  returned: always
  type: dict
  contains:
    path:
      description: Path of the device, without slashes.
      type: str
      returned: when the device exists
      sample: file
    type:
      description: Device type.
      type: str
      returned: when the device exists
      sample: file
    description:
      description: Description.
      type: str
      returned: when the device exists
    local:
      description: Whether the device is local to the cluster.
      type: bool
      returned: when the device exists
    options:
      description: All options of the device, values as canonical strings.
      type: dict
      returned: when the device exists
      sample: {file_path: /var/log/openbao/audit.log, mode: "0640"}
recreated:
  description:
    - Whether an existing device was (or, in check mode, would be) disabled and enabled again to apply a change.
  returned: always
  type: bool
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._audit_device import AuditDeviceResource


def main():
    run_resource_module(AuditDeviceResource, AuditDeviceResource.argspec, **AuditDeviceResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
