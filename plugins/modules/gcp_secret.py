#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_secret
short_description: Manage a secret in Google Cloud Secret Manager
version_added: 0.1.0
description:
  - Creates, updates and deletes one Secret Manager secret with its replication, labels, annotations, rotation
    schedule, Pub/Sub topics and expiration, and adds a version when its value changes.
  - A new version is added only when O(value) differs from the latest enabled version (or there is no enabled
    version). The value is compared in memory and never returned unless O(return_value=true).
  - Labels, annotations, topics, rotation and expiration are changed in place, with an update mask naming only
    what differs. Options that are not given are left as they are.
  - O(disable_previous) or O(destroy_previous) retire every version older than the latest enabled one.
  - In diff mode the value is replaced by a marker.
  - All options are checked before any request is sent.
extends_documentation_fragment:
  - citadel.secrets.gcp
  - citadel.secrets.attributes
  - citadel.secrets.gcp.ACTION_GROUP
options:
  name:
    description:
      - Secret ID (1 to 255 letters, digits, dashes and underscores), or the full name
        C(projects/PROJECT/secrets/ID), which also sets the project.
    type: str
    required: true
  value:
    description:
      - The secret value (UTF-8 text, at most 64 KiB). When not given, no version is added.
    type: str
  replication:
    description:
      - Where the secret's versions are stored. Fixed when the secret is created; a different value for an existing
        secret fails the task.
      - V(automatic) lets Google choose (optionally encrypted with O(kms_key_name)); V(user_managed) stores them in
        the O(replicas) locations.
      - When not given, a new secret gets V(automatic) and an existing one is not checked.
    type: str
    choices: [automatic, user_managed]
  replicas:
    description:
      - Locations for O(replication=user_managed), each with an optional customer-managed encryption key.
    type: list
    elements: dict
    suboptions:
      location:
        description:
          - Location, for example V(us-east1).
        type: str
        required: true
      kms_key_name:
        description:
          - Cloud KMS key for this replica (C(projects/P/locations/LOCATION/keyRings/R/cryptoKeys/K)), in the same
            location.
        type: str
  kms_key_name:
    description:
      - Cloud KMS key that encrypts the secret with O(replication=automatic) (a C(global) key).
    type: str
  labels:
    description:
      - Labels of the secret, replaced as a whole; V({}) removes them all. Keys and values are lowercase.
    type: dict
  annotations:
    description:
      - Annotations of the secret (free-form metadata), replaced as a whole; V({}) removes them all.
    type: dict
  topics:
    description:
      - Pub/Sub topics (C(projects/P/topics/T)) that receive the secret's events and rotation notifications, replaced
        as a whole; V([]) removes them. Compared without regard to order.
    type: list
    elements: str
  rotation_period:
    description:
      - How often Secret Manager sends a rotation notification, as seconds (V(2592000)) or a duration (V(30d),
        V(12h)); at least one hour. Needs O(next_rotation_time) (in this task or already set) and O(topics).
      - V(0) removes the rotation schedule.
    type: raw
  next_rotation_time:
    description:
      - When the next rotation notification is sent, an RFC 3339 time such as V(2030-01-31T00:00:00Z). Secret
        Manager moves it forward by O(rotation_period) after each notification, so a task that keeps a fixed time
        changes it back.
    type: str
  expire_time:
    description:
      - When the secret and all its versions are deleted, an RFC 3339 time. An empty string removes the expiration.
      - Mutually exclusive with O(ttl).
    type: str
  ttl:
    description:
      - The secret expires this long after its creation, as seconds or a duration (V(90d)). A new secret is
        created with it; for an existing secret the expiration is set to its creation time plus O(ttl).
      - Mutually exclusive with O(expire_time).
    type: raw
  disable_previous:
    description:
      - Disable every enabled version older than the latest enabled one (after adding O(value), that is the new
        one). Disabled versions can be enabled again.
    type: bool
    default: false
  destroy_previous:
    description:
      - Destroy every version older than the latest enabled one, irreversibly.
      - Mutually exclusive with O(disable_previous).
    type: bool
    default: false
  return_value:
    description:
      - Return the latest enabled version's value as RV(value). Off by default; set C(no_log=true) on the task when
        it is on.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the secret; V(absent) deletes it with all its versions.
    type: str
    choices: [present, absent]
    default: present
notes:
  - After a write the module reads the secret again and fails, naming the fields, when the server did not store
    a property as sent, instead of reporting a change on every run. The drongo emulator, for example, keeps only
    replication, labels and versions; annotations, topics, rotation and expiration need the real service.
  - Regional secrets (C(projects/P/locations/L/secrets/S)) are not managed by this module.
  - When O(value) and O(return_value) are both given, Ansible masks the returned value because it equals a
    C(no_log) option; O(return_value) is meant for reading a value the task does not set.
  - "The identity needs C(secretmanager.secrets.get), C(secretmanager.versions.list) and, when the value is
    compared or returned, C(secretmanager.versions.access), besides the permissions for what it changes
    (C(roles/secretmanager.admin) has them all)."
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Store a database password (Application Default Credentials, project from GOOGLE_CLOUD_PROJECT)
  citadel.secrets.gcp_secret:
    name: db-password
    value: "{{ db_password }}"
    labels:
      team: platform

- name: Replicate in two regions with customer-managed keys, keep only the latest version enabled
  citadel.secrets.gcp_secret:
    project: my-project
    name: api-key
    value: "{{ api_key }}"
    replication: user_managed
    replicas:
      - location: us-east1
        kms_key_name: projects/my-project/locations/us-east1/keyRings/secrets/cryptoKeys/sm
      - location: europe-west1
        kms_key_name: projects/my-project/locations/europe-west1/keyRings/secrets/cryptoKeys/sm
    disable_previous: true

- name: Rotation reminders every 30 days, and expiry after a year
  citadel.secrets.gcp_secret:
    project: my-project
    name: api-key
    topics:
      - projects/my-project/topics/secret-rotation
    rotation_period: 30d
    next_rotation_time: "2030-01-31T00:00:00Z"
    ttl: 365d

- name: With a service account key, acting as another service account
  citadel.secrets.gcp_secret:
    project: my-project
    name: api-key
    annotations:
      owner: platform@example.com
    auth_kind: serviceaccount
    service_account_file: /etc/ansible/gcp-key.json
    impersonate_service_account: secrets-admin@my-project.iam.gserviceaccount.com

- name: Read the current value
  citadel.secrets.gcp_secret:
    name: db-password
    return_value: true
  register: db
  no_log: true

- name: Delete the secret and all its versions
  citadel.secrets.gcp_secret:
    name: old-api-key
    state: absent
"""

RETURN = r"""
version:
  description:
    - Number of the latest enabled version after the task; V(0) when there is none. In check mode, the number a
      real run would produce.
  returned: always
  type: int
  sample: 3
value:
  description:
    - The latest enabled version's value (V(null) when there is none, or when it is not UTF-8 text, see
      RV(value_base64)). This is a secret.
  returned: when O(return_value=true)
  type: str
value_base64:
  description:
    - The latest enabled version's value, base64-encoded, when it is not UTF-8 text. This is a secret.
  returned: when O(return_value=true) and the value is binary
  type: str
secret:
  description:
    - The secret after the task (empty when it does not exist). Never contains the value.
  returned: always
  type: dict
  contains:
    name:
      description: Full resource name.
      type: str
      returned: when the secret exists
      sample: projects/my-project/secrets/db-password
    create_time:
      description: When the secret was created (absent in check mode before its creation).
      type: str
      returned: when the secret exists
    etag:
      description: The secret's etag.
      type: str
      returned: when the secret exists
    replication:
      description:
        - "Either C(automatic) with its C(kms_key_name), or C(user_managed) with a list of C(location) and
          C(kms_key_name) pairs sorted by location."
      type: dict
      returned: when the secret exists
    labels:
      description: Labels.
      type: dict
      returned: when the secret exists
    annotations:
      description: Annotations.
      type: dict
      returned: when the secret exists
    topics:
      description: Pub/Sub topics, sorted.
      type: list
      elements: str
      returned: when the secret exists
    rotation_period:
      description: Seconds between rotation notifications, V(null) when none.
      type: int
      returned: when the secret exists
    next_rotation_time:
      description: Next rotation notification (UTC), V(null) when none.
      type: str
      returned: when the secret exists
    expire_time:
      description: When the secret expires (UTC), V(null) when never.
      type: str
      returned: when the secret exists
    versions:
      description: Every version number and its state, V(enabled), V(disabled) or V(destroyed).
      type: dict
      returned: when the secret exists
      sample: {"1": "destroyed", "2": "disabled", "3": "enabled"}
diff:
  description:
    - Before and after. The value (only when O(value) is given) is replaced by C(**SECRET**), or by
      C(**SECRET (changed)**) on the after side when it changes.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._cloud._gcp import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources._gcp_secret import GcpSecretResource

ARGSPEC = dict(
    name=dict(type="str", required=True),
    value=dict(type="str", no_log=True),
    replication=dict(type="str", choices=["automatic", "user_managed"]),
    replicas=dict(type="list", elements="dict", options=dict(
        location=dict(type="str", required=True),
        kms_key_name=dict(type="str", no_log=False),
    )),
    kms_key_name=dict(type="str", no_log=False),
    labels=dict(type="dict"),
    annotations=dict(type="dict"),
    topics=dict(type="list", elements="str"),
    rotation_period=dict(type="raw"),
    next_rotation_time=dict(type="str"),
    expire_time=dict(type="str"),
    ttl=dict(type="raw"),
    disable_previous=dict(type="bool", default=False),
    destroy_previous=dict(type="bool", default=False),
    return_value=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(GcpSecretResource, ARGSPEC,
                        mutually_exclusive=[("disable_previous", "destroy_previous"), ("expire_time", "ttl")],
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
