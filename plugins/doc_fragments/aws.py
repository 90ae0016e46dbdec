# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by every AWS module and lookup (module_utils/_cloud/_aws.py).
    DOCUMENTATION = r"""
options:
  region:
    description:
      - AWS region to work in, for example V(eu-west-1).
      - Falls back to E(AWS_REGION), then E(AWS_DEFAULT_REGION), then the region of the profile in use.
    type: str
    aliases: [aws_region]
  profile:
    description:
      - Named profile from C(~/.aws/config) and C(~/.aws/credentials) to take credentials (and the region) from.
      - When neither O(profile) nor O(access_key) is given, boto3's own credential chain applies, in its order of
        E(AWS_ACCESS_KEY_ID)/E(AWS_SECRET_ACCESS_KEY)/E(AWS_SESSION_TOKEN), E(AWS_PROFILE), the shared files,
        SSO, web identity, container and instance roles.
      - Cannot be combined with O(access_key).
    type: str
    aliases: [aws_profile]
  access_key:
    description:
      - AWS access key ID. Needs O(secret_key).
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description:
      - AWS secret access key of O(access_key).
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description:
      - Session token for temporary credentials given as O(access_key) and O(secret_key).
    type: str
    aliases: [aws_session_token]
  endpoint_url:
    description:
      - URL to send every AWS API request to instead of AWS's public endpoints, for VPC endpoints, proxies or
        emulators such as moto. Falls back to E(AWS_ENDPOINT_URL).
    type: str
    aliases: [aws_endpoint_url]
  ca_bundle:
    description:
      - PEM bundle of the CAs to trust for the endpoint's certificate. Falls back to E(AWS_CA_BUNDLE).
    type: path
    aliases: [aws_ca_bundle]
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate. Turn off only for test endpoints.
    type: bool
    default: true
  max_attempts:
    description:
      - Most attempts per API call (the first included), between V(1) and V(20). Throttling and transient
        errors are retried with botocore's C(adaptive) retry mode, which also slows the client down when AWS
        throttles it.
    type: int
    default: 5
"""

    PLUGINS = r"""
options:
  region:
    env:
      - name: AWS_REGION
      - name: AWS_DEFAULT_REGION
    ini:
      - section: citadel_aws
        key: region
    vars:
      - name: citadel_aws_region
  profile:
    ini:
      - section: citadel_aws
        key: profile
    vars:
      - name: citadel_aws_profile
  access_key:
    vars:
      - name: citadel_aws_access_key
  secret_key:
    vars:
      - name: citadel_aws_secret_key
  session_token:
    vars:
      - name: citadel_aws_session_token
  endpoint_url:
    env:
      - name: AWS_ENDPOINT_URL
    ini:
      - section: citadel_aws
        key: endpoint_url
    vars:
      - name: citadel_aws_endpoint_url
  ca_bundle:
    env:
      - name: AWS_CA_BUNDLE
    ini:
      - section: citadel_aws
        key: ca_bundle
    vars:
      - name: citadel_aws_ca_bundle
  validate_certs:
    ini:
      - section: citadel_aws
        key: validate_certs
    vars:
      - name: citadel_aws_validate_certs
  max_attempts:
    ini:
      - section: citadel_aws
        key: max_attempts
    vars:
      - name: citadel_aws_max_attempts
"""

    # Member of the citadel.secrets.aws action group (module_defaults).
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [citadel.secrets.aws]
    description: Use C(group/citadel.secrets.aws) in C(module_defaults) to set the AWS options once.
"""
