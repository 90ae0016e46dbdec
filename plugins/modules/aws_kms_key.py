#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_kms_key
short_description: Manage a customer managed AWS KMS key
version_added: 0.1.0
description:
  - Creates a symmetric encryption KMS key under an alias, or manages an existing key found by O(alias) or
    O(key_id), with its description, enabled or disabled state, automatic key rotation, key policy, tags and alias.
  - O(state=absent) schedules the key for deletion after O(pending_window_days). O(state=present) on a key that is
    scheduled for deletion cancels the deletion (and enables the key again unless O(enabled=false)).
  - Options that are not given are left as they are; the key policy and rotation are read only when
    O(policy) or O(enable_key_rotation) is given.
  - All options are checked before any request is sent.
extends_documentation_fragment:
  - citadel.secrets.aws
  - citadel.secrets.attributes
  - citadel.secrets.aws.ACTION_GROUP
options:
  alias:
    description:
      - Alias of the key, with or without the C(alias/) prefix. The key is found by it, and created with it when
        no key has it.
      - With O(key_id), the alias is created for that key, or moved to it from another key.
      - Aliases the key has besides this one are left alone.
    type: str
  key_id:
    description:
      - Key ID or ARN of an existing key to manage. Without it, the key is found by O(alias).
    type: str
  description:
    description:
      - Description of the key.
    type: str
  enabled:
    description:
      - Whether the key can be used. A disabled key cannot encrypt or decrypt.
    type: bool
    default: true
  enable_key_rotation:
    description:
      - Whether AWS rotates the key material automatically every year. When not given, left as it is.
    type: bool
  policy:
    description:
      - Key policy, as a dictionary or JSON text. Compared as parsed JSON (order of statements and of values in
        C(Action), C(Resource) and C(Principal) lists does not matter).
      - When not given, the policy is not read or changed; a new key gets AWS's default key policy.
      - A policy that would lock the caller out is refused by AWS.
    type: raw
  tags:
    description:
      - Tags of the key. When not given, the tags are left as they are.
    type: dict
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Has no effect when O(tags) is not given.
    type: bool
    default: true
  pending_window_days:
    description:
      - With O(state=absent), days (7 to 30) the key waits, disabled, before AWS deletes it; the deletion can be
        cancelled until then. Defaults to 30.
    type: int
  state:
    description:
      - V(present) creates or updates the key, cancelling a scheduled deletion.
      - V(absent) schedules the deletion. A key already scheduled for deletion is left alone. The alias stays
        until AWS deletes the key.
    type: str
    choices: [present, absent]
    default: present
notes:
  - At least one of O(alias) and O(key_id) is required.
  - Only symmetric encryption keys are created (C(SYMMETRIC_DEFAULT), C(ENCRYPT_DECRYPT)); existing keys of other
    types can be managed, but automatic rotation applies to symmetric keys only.
  - AWS managed keys (C(alias/aws/...)) cannot be managed.
  - Changes made by one run are applied in order (cancel deletion, enable, rotation, disable, description,
    policy, tags, alias, deletion); if one fails after another succeeded, the error lists what was and was not
    applied.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: A key for the app's secrets, rotated yearly
  citadel.secrets.aws_kms_key:
    alias: app-secrets
    description: Encrypts the app's secrets
    enable_key_rotation: true
    tags:
      team: platform

- name: Let a role use it
  citadel.secrets.aws_kms_key:
    alias: app-secrets
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: Admins
          Effect: Allow
          Principal: {AWS: "arn:aws:iam::123456789012:root"}
          Action: "kms:*"
          Resource: "*"
        - Sid: App
          Effect: Allow
          Principal: {AWS: "arn:aws:iam::123456789012:role/app"}
          Action: [kms:Decrypt, kms:GenerateDataKey]
          Resource: "*"

- name: Disable it for now
  citadel.secrets.aws_kms_key:
    alias: app-secrets
    enabled: false

- name: Schedule its deletion in 7 days
  citadel.secrets.aws_kms_key:
    alias: app-secrets
    pending_window_days: 7
    state: absent
"""

RETURN = r"""
key:
  description:
    - The key after the task (empty when none was found for O(state=absent)).
    - In check mode, what a real run would have produced.
  returned: always
  type: dict
  contains:
    key_id:
      description: Key ID (V(null) when check mode predicts the creation).
      type: str
      returned: when the key exists
    arn:
      description: Key ARN (V(null) when check mode predicts the creation).
      type: str
      returned: when the key exists
    aliases:
      description: Aliases pointing at the key.
      type: list
      elements: str
      returned: when the key exists
    description:
      description: Description.
      type: str
      returned: when the key exists
    enabled:
      description: Whether the key is enabled.
      type: bool
      returned: when the key exists
    enable_key_rotation:
      description: Whether automatic rotation is on (V(null) when it cannot be read while the key is pending deletion).
      type: bool
      returned: when O(enable_key_rotation) is given
    policy:
      description: The key policy.
      type: dict
      returned: when O(policy) is given
    tags:
      description: Tags.
      type: dict
      returned: when the key exists
    pending_deletion:
      description: Whether the key is scheduled for deletion.
      type: bool
      returned: when the key exists
    deletion_date:
      description: When AWS deletes the key.
      type: str
      returned: when the key was already scheduled for deletion before the task
diff:
  description: Before and after.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._cloud._aws import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources._aws_kms_key import AwsKmsKeyResource

ARGSPEC = dict(
    alias=dict(type="str"),
    key_id=dict(type="str", no_log=False),
    description=dict(type="str"),
    enabled=dict(type="bool", default=True),
    enable_key_rotation=dict(type="bool", no_log=False),
    policy=dict(type="raw"),
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
    pending_window_days=dict(type="int"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(AwsKmsKeyResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
