#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_secret
short_description: Manage a secret in AWS Secrets Manager
version_added: 0.1.0
description:
  - Creates, updates, deletes and restores one AWS Secrets Manager secret, with its value, description, KMS key,
    tags, resource policy, replica regions and rotation.
  - The value is compared without returning it; the module reads the current value (C(GetSecretValue)) and
    compares it in memory, so a new version is written only when the value differs. JSON values given as
    O(json_secret) are compared as parsed dictionaries, so key order and formatting do not count.
  - Options that are not given are left as they are. An omitted O(resource_policy) never deletes an existing
    policy; omitted O(tags) or O(replica_regions) never remove any.
  - Replica regions compare as a set, so their order and number do not matter.
  - O(state=present) on a secret that is scheduled for deletion restores it first.
  - Secret values are never returned. In diff mode the value is replaced by a marker.
  - All options are checked before any request is sent.
extends_documentation_fragment:
  - citadel.secrets.aws
  - citadel.secrets.attributes
  - citadel.secrets.aws.ACTION_GROUP
options:
  name:
    description:
      - Name of the secret, or its ARN for a secret that exists.
    type: str
    required: true
  description:
    description:
      - Description of the secret. An empty string removes it.
    type: str
  secret:
    description:
      - The secret value as a string (C(SecretString)).
      - Mutually exclusive with O(json_secret). When neither is given, the value is not read or changed.
    type: str
  json_secret:
    description:
      - The secret value as a dictionary, stored as JSON text. Compared with the current value as parsed JSON.
      - Mutually exclusive with O(secret).
    type: dict
  kms_key_id:
    description:
      - KMS key that encrypts the secret (key ID, ARN or alias). When not given on creation, AWS uses
        C(alias/aws/secretsmanager). A different name for the same key (alias versus ARN) is not a change.
    type: str
  tags:
    description:
      - Tags of the secret. When not given, the tags are left as they are.
    type: dict
  purge_tags:
    description:
      - Remove tags not listed in O(tags). Has no effect when O(tags) is not given.
    type: bool
    default: true
  resource_policy:
    description:
      - Resource-based policy of the secret, as a dictionary or JSON text. Compared as parsed JSON (order of
        statements and of values in C(Action), C(Resource) and C(Principal) lists does not matter).
      - When not given, the policy is not read or changed. An empty dictionary (V({})) deletes the policy.
    type: raw
  replica_regions:
    description:
      - Regions to replicate the secret to. Each item is a region name, or a dictionary with C(region) and an
        optional C(kms_key_id) for the replica (default C(alias/aws/secretsmanager)).
      - Compared as a set. A replica whose C(kms_key_id) must change is removed and added again.
      - When not given, replicas are left as they are.
    type: list
    elements: raw
  purge_replica_regions:
    description:
      - Remove replicas in regions not listed in O(replica_regions). Has no effect when O(replica_regions) is not
        given.
    type: bool
    default: true
  rotation_enabled:
    description:
      - V(false) turns automatic rotation off (C(CancelRotateSecret)). V(true) turns it on with O(rotation_lambda_arn)
        and O(rotation_schedule), or with the ones the secret already has.
      - Implied V(true) when O(rotation_lambda_arn) or O(rotation_schedule) is given. When none of the three is
        given, rotation is left as it is.
    type: bool
  rotation_lambda_arn:
    description:
      - ARN of the Lambda function that rotates the secret.
    type: str
  rotation_schedule:
    description:
      - How often to rotate the secret, as a number of days (V(30), 1 to 1000), V(rate(N days)) (the same as N),
        V(rate(N hours)), or a V(cron(...)) expression with six fields such as V(cron(0 4 ? * SUN *)).
    type: raw
  rotate_immediately:
    description:
      - When the task turns rotation on or changes its configuration, rotate the secret at once. V(false) only
        tests the rotation function and waits for the schedule.
      - Has no effect when the rotation configuration does not change.
    type: bool
    default: false
  recovery_window_days:
    description:
      - With O(state=absent), days (7 to 30) before AWS deletes the secret for good; it can be restored until
        then. Defaults to 30.
      - Mutually exclusive with O(force_delete).
    type: int
  force_delete:
    description:
      - With O(state=absent), delete the secret at once, without a recovery window. Also deletes a secret that is
        already scheduled for deletion.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the secret, restoring it when it is scheduled for deletion.
      - V(absent) schedules the secret for deletion (see O(recovery_window_days) and O(force_delete)). Replica
        regions are removed first, as AWS requires. A secret already scheduled for deletion is left alone unless
        O(force_delete=true).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Ansible hides every value given in O(secret) and O(json_secret) wherever it appears in the task's output;
    short or common values (V(1), V(app)) therefore also blank out matching unrelated output. Prefer values that
    look like secrets.
  - The identity needs C(secretsmanager:DescribeSecret), and C(secretsmanager:GetSecretValue) when O(secret) or
    O(json_secret) is given, C(secretsmanager:GetResourcePolicy) when O(resource_policy) is given, besides the
    permissions for what the task changes. Comparing KMS keys named differently uses C(kms:DescribeKey) when
    available.
  - When rotation is on, the rotation function changes the value; giving O(secret) or O(json_secret) as well
    makes every run put the given value back.
  - Changes made by one run are applied in order (restore, value and settings, tags, policy, replicas, rotation,
    deletion); if one fails after another succeeded, the error lists what was and was not applied.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Store database credentials as JSON, replicated to two regions
  citadel.secrets.aws_secret:
    name: prod/app/db
    description: Database credentials of the app
    json_secret:
      username: app
      password: "{{ db_password }}"
    replica_regions:
      - eu-west-1
      - region: us-west-2
        kms_key_id: alias/app-us-west-2
    tags:
      team: platform

- name: Only add a tag, leaving the value, the other tags and the policy alone
  citadel.secrets.aws_secret:
    name: prod/app/db
    tags:
      cost-center: "42"
    purge_tags: false

- name: Allow a role of another account to read it
  citadel.secrets.aws_secret:
    name: prod/app/db
    resource_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {AWS: "arn:aws:iam::111122223333:role/app"}
          Action: secretsmanager:GetSecretValue
          Resource: "*"

- name: Rotate every 30 days
  citadel.secrets.aws_secret:
    name: prod/app/db
    rotation_lambda_arn: arn:aws:lambda:eu-central-1:123456789012:function:rotate-db
    rotation_schedule: 30

- name: Schedule deletion in 7 days
  citadel.secrets.aws_secret:
    name: prod/app/old
    state: absent
    recovery_window_days: 7

- name: Using module_defaults for the connection
  module_defaults:
    group/citadel.secrets.aws:
      region: eu-central-1
      profile: deploy
  citadel.secrets.aws_secret:
    name: prod/app/api-key
    secret: "{{ api_key }}"
"""

RETURN = r"""
secret:
  description:
    - The secret's settings after the task (empty when it does not exist). Never contains the value.
    - In check mode, what a real run would have produced.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the secret (the O(name) given, for a secret check mode predicts).
      type: str
      returned: when the secret exists
    arn:
      description: ARN of the secret (V(null) when check mode predicts its creation).
      type: str
      returned: when the secret exists
    description:
      description: Description; empty when none.
      type: str
      returned: when the secret exists
    kms_key_id:
      description: KMS key encrypting the secret; V(null) for the default C(alias/aws/secretsmanager).
      type: str
      returned: when the secret exists
    tags:
      description: Tags.
      type: dict
      returned: when the secret exists
    replica_regions:
      description: Replica regions, each with the KMS key of the replica.
      type: dict
      returned: when the secret exists
      sample: {"eu-west-1": "alias/aws/secretsmanager"}
    rotation:
      description: Rotation settings, C(enabled), C(lambda_arn) and C(schedule) (days as a number, or an expression).
      type: dict
      returned: when the secret exists
      sample: {"enabled": true, "lambda_arn": "arn:aws:lambda:eu-central-1:123456789012:function:rotate", "schedule": 30}
    pending_deletion:
      description: Whether the secret is scheduled for deletion.
      type: bool
      returned: when the secret exists
    deletion_date:
      description: When AWS deletes the secret for good.
      type: str
      returned: when the secret is scheduled for deletion and was so before the task
    resource_policy:
      description: The resource policy, V(null) when there is none.
      type: dict
      returned: when O(resource_policy) is given
diff:
  description:
    - Before and after. C(secret) (only when O(secret) or O(json_secret) is given) is replaced by C(**SECRET**),
      or C(**SECRET (changed)**) on the after side when the value changes.
  returned: when diff mode is on
  type: dict
  sample:
    before: {"description": "old", "secret": "**SECRET**"}
    after: {"description": "new", "secret": "**SECRET (changed)**"}
"""

from ansible_collections.citadel.secrets.plugins.module_utils._cloud._aws import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources._aws_secret import AwsSecretResource

ARGSPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    secret=dict(type="str", no_log=True),
    json_secret=dict(type="dict", no_log=True),
    kms_key_id=dict(type="str", no_log=False),
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
    resource_policy=dict(type="raw"),
    replica_regions=dict(type="list", elements="raw"),
    purge_replica_regions=dict(type="bool", default=True),
    rotation_enabled=dict(type="bool"),
    rotation_lambda_arn=dict(type="str"),
    rotation_schedule=dict(type="raw"),
    rotate_immediately=dict(type="bool", default=False),
    recovery_window_days=dict(type="int"),
    force_delete=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(AwsSecretResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
