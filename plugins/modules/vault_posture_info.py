#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_posture_info
short_description: Audit the security posture of a Vault or OpenBao server and of cloud secret stores
version_added: 0.1.0
description:
  - Checks a live server against an audit checklist and credential-lifetime targets, and returns one finding per
    problem, each with an C(id), a C(severity), the C(object) concerned, a C(message) and the C(fix).
  - Vault / OpenBao checks (O(checks)) - V(audit) no audit device enabled; V(tokens) tokens with the root policy;
    V(listeners) tcp listeners without TLS; V(mounts) default/max lease TTLs of mounts above their target;
    V(roles) how long a credential issued by a role can live, against its target (jwt/oidc roles are CI/CD tokens;
    approle, kubernetes, userpass and cert roles and token roles are service tokens; database roles are database
    credentials; pki roles are TLS certificates); V(approle) AppRole roles without C(secret_id_ttl),
    C(secret_id_num_uses) or CIDR binding; V(policies) ACL policies granting C(sudo), broad globs or write access
    to privileged endpoints; V(transit) transit keys not rotated within O(transit_rotation_max_age); V(kv) KV
    version 2 secrets whose current version is older than their rotation target.
  - Cloud checks, each run only when its options are given - V(aws) Secrets Manager secrets without rotation;
    V(azure) Key Vault secrets without an expiry date; V(gcp) Secret Manager secrets with neither an expiry nor a
    rotation schedule.
  - Reads only. No secret value is ever read or returned - tokens are looked up by accessor and only counted, KV
    checks read metadata, cloud checks list properties. A request the token may not make (HTTP 403) does not fail
    the task; it is reported as a C(posture.incomplete) finding of severity V(info).
  - Render the result as Markdown or a self-contained HTML page with the P(citadel.secrets.posture_report#filter)
    filter; C(playbooks/audit.yml) does both.
  - See C(docs/posture_audit.md) for every finding, its severity and the least-privilege policy of an auditing token.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes.INFO
  - citadel.secrets.attributes.VAULT_GROUP
notes:
  - The token needs C(sudo) for two checks - V(audit) lists C(sys/audit) and V(tokens) lists C(auth/token/accessors).
    V(listeners) reads C(sys/config/state/sanitized), which OpenBao serves with C(read) alone. Auth method TTLs are
    read from C(sys/mounts/auth/<path>/tune), which needs no C(sudo) (C(sys/auth/<path>/tune) does). HashiCorp
    Vault and OpenBao serve these paths the same way. C(docs/posture_audit.md) has a policy for an auditing token.
  - The sanitized configuration reports each listener's options as they were parsed, so C(tls_disable) may be a
    boolean, a number or a string (V(true), V(1), V("true")); all are understood.
  - Whether the server is OpenBao or HashiCorp Vault is read from the built-in plugin versions of its mounts
    (C(+builtin.bao) or C(+builtin.vault)) and returned in RV(server.type); the checks are the same for both.
  - Mount TTLs are the effective ones (C(sys/mounts/<path>/tune), C(sys/mounts/auth/<path>/tune)), so a mount that
    inherits the server default (768h unless the server configuration changes it) is judged by that default.
  - A role's credential lifetime is worked out as the server does - a service token renews up to C(token_max_ttl)
    or else the mount's max TTL (the mount caps the role), at most C(token_explicit_max_ttl); a periodic token
    without an explicit max TTL renews without limit; a batch token lives for its TTL; a lease lives up to the
    role's C(max_ttl) or else the mount's.
options:
  checks:
    description:
      - The check families to run. By default every Vault check, plus each cloud check whose option (O(aws),
        O(azure), O(gcp)) is given.
      - Naming a cloud check without its option fails. Leaving every Vault check out runs no request against Vault
        (a cloud-only audit).
    type: list
    elements: str
    choices: [audit, tokens, listeners, mounts, roles, approle, policies, transit, kv, aws, azure, gcp]
  ttl_targets:
    description:
      - The longest a credential of each class may live, as seconds or a duration (V(45m), V(8h), V(3d)).
        The defaults are the upper bounds of the credential-lifetime table - CI/CD tokens 15-60 min, service tokens
        1-4 h, database credentials 1-24 h, TLS certificates 24-72 h.
    type: dict
    suboptions:
      cicd:
        description:
          - Tokens issued through jwt and oidc auth roles. Default V(60m).
        type: raw
      service:
        description:
          - Tokens issued through approle, kubernetes, userpass and cert auth roles, token roles and the token
            store. Default V(4h).
        type: raw
      database:
        description:
          - Credentials of database secrets engine roles, and the rotation period of static roles. Default V(24h).
        type: raw
      tls:
        description:
          - Certificates issued by pki roles. Default V(72h).
        type: raw
      other:
        description:
          - Mounts of any other type (kv, transit, ...). Default V(768h), the server's own default, so only mounts
            tuned above it are reported.
        type: raw
  transit_rotation_max_age:
    description:
      - A transit key whose latest version is older than this is reported (C(transit.not_rotated)).
    type: raw
    default: 365d
  kv_rotation_max_age:
    description:
      - A KV version 2 secret whose current version was written longer ago than this is reported
        (C(kv.not_rotated)), unless its custom metadata sets its own target (O(kv_rotation_metadata_key)).
    type: raw
    default: 90d
  kv_rotation_metadata_key:
    description:
      - The key of a secret's C(custom_metadata) that holds its own rotation target (a duration such as V(30d));
        V(never) or V(0) exempts the secret. An empty string ignores custom metadata.
    type: str
    default: rotation_period
  kv_mounts:
    description:
      - The KV version 2 mounts to walk for the V(kv) check. By default every KV version 2 mount the token can see.
    type: list
    elements: str
  max_items:
    description:
      - The most objects one walk looks at - tokens, the roles of one mount, the keys of one transit mount, the
        secrets of one KV mount or one cloud store. Reaching it is reported as a C(posture.incomplete) finding.
    type: int
    default: 1000
  concurrency:
    description:
      - The most requests in flight at once (1 to 32).
    type: int
    default: 8
  ignore:
    description:
      - Findings to leave out (accepted risks). Each entry matches findings by C(id) and C(object), both shell-style
        patterns that default to V(*). Left-out findings are counted in RV(ignored).
    type: list
    elements: dict
    suboptions:
      id:
        description:
          - Pattern for the finding C(id), for example V(tokens.root) or V(policy.*).
        type: str
      object:
        description:
          - Pattern for the finding C(object), for example V(sys/policies/acl/auditor).
        type: str
  aws:
    description:
      - 'Check AWS Secrets Manager secrets of one region for rotation: the connection settings, as for M(citadel.secrets.aws_secret).
        V({}) uses the environment (E(AWS_REGION), E(AWS_PROFILE), ...).'
      - Skipped when not given (unless O(checks) names it, which then fails).
    type: dict
    suboptions:
      region:
        description:
          - AWS region to work in, for example V(eu-west-1).
          - Falls back to E(AWS_REGION), then E(AWS_DEFAULT_REGION), then the region of the profile in use.
        type: str
        aliases:
          - aws_region
      profile:
        description:
          - Named profile from C(~/.aws/config) and C(~/.aws/credentials) to take credentials (and the region) from.
          - When neither O(aws.profile) nor O(aws.access_key) is given, boto3's own credential chain applies, in its order
            of E(AWS_ACCESS_KEY_ID)/E(AWS_SECRET_ACCESS_KEY)/E(AWS_SESSION_TOKEN), E(AWS_PROFILE), the shared files, SSO,
            web identity, container and instance roles.
          - Cannot be combined with O(aws.access_key).
        type: str
        aliases:
          - aws_profile
      access_key:
        description:
          - AWS access key ID. Needs O(aws.secret_key).
        type: str
        aliases:
          - aws_access_key_id
      secret_key:
        description:
          - AWS secret access key of O(aws.access_key).
        type: str
        aliases:
          - aws_secret_access_key
      session_token:
        description:
          - Session token for temporary credentials given as O(aws.access_key) and O(aws.secret_key).
        type: str
        aliases:
          - aws_session_token
      endpoint_url:
        description:
          - URL to send every AWS API request to instead of AWS's public endpoints, for VPC endpoints, proxies or emulators
            such as moto. Falls back to E(AWS_ENDPOINT_URL).
        type: str
        aliases:
          - aws_endpoint_url
      ca_bundle:
        description:
          - PEM bundle of the CAs to trust for the endpoint's certificate. Falls back to E(AWS_CA_BUNDLE).
        type: path
        aliases:
          - aws_ca_bundle
      validate_certs:
        description:
          - Verify the endpoint's TLS certificate. Turn off only for test endpoints.
        type: bool
        default: true
      max_attempts:
        description:
          - Most attempts per API call (the first included), between V(1) and V(20). Throttling and transient errors are
            retried with botocore's C(adaptive) retry mode, which also slows the client down when AWS throttles it.
        type: int
        default: 5
  azure:
    description:
      - 'Check the secrets of one Azure Key Vault for expiry dates: the connection settings, as for M(citadel.secrets.azure_keyvault_secret).'
      - Skipped when not given (unless O(checks) names it, which then fails).
    type: dict
    suboptions:
      vault_url:
        description:
          - URL of the key vault, for example C(https://myvault.vault.azure.net). Must be C(https://).
          - Falls back to E(AZURE_KEYVAULT_URL).
        type: str
      auth_source:
        description:
          - How to get a Microsoft Entra ID token for Key Vault.
          - V(auto) uses O(azure.client_secret) when it is set, else O(azure.certificate_path), else O(azure.access_token);
            with none of them it uses the Azure SDK's C(DefaultAzureCredential) chain (the E(AZURE_TENANT_ID)/E(AZURE_CLIENT_ID)
            environment credentials, workload identity, managed identity, the Azure CLI login, and so on), with O(azure.client_id)
            as the user-assigned managed identity or workload identity client ID when given.
          - V(client_secret) and V(certificate) log in as a service principal with O(azure.tenant_id), O(azure.client_id)
            and O(azure.client_secret) or O(azure.certificate_path).
          - V(managed_identity) uses the host's managed identity; set O(azure.client_id) for a user-assigned identity.
          - V(workload_identity) exchanges the federated token in O(azure.federated_token_file) (Kubernetes workload identity)
            for O(azure.client_id) in O(azure.tenant_id).
          - V(access_token) sends O(azure.access_token) as it is.
        type: str
        default: auto
        choices:
          - auto
          - client_secret
          - certificate
          - managed_identity
          - workload_identity
          - access_token
      tenant_id:
        description:
          - Directory (tenant) ID of the service principal or workload identity. Falls back to E(AZURE_TENANT_ID).
        type: str
      client_id:
        description:
          - Application (client) ID of the service principal, workload identity or user-assigned managed identity.
          - Falls back to E(AZURE_CLIENT_ID).
        type: str
      client_secret:
        description:
          - Client secret of the service principal. Falls back to E(AZURE_CLIENT_SECRET).
        type: str
      certificate_path:
        description:
          - PEM or PKCS12 file with the service principal's certificate and private key.
          - Falls back to E(AZURE_CLIENT_CERTIFICATE_PATH).
        type: path
      certificate_password:
        description:
          - Password of the private key in O(azure.certificate_path). Falls back to E(AZURE_CLIENT_CERTIFICATE_PASSWORD).
        type: str
      federated_token_file:
        description:
          - File with the federated (Kubernetes service account) token for O(azure.auth_source=workload_identity).
          - Falls back to E(AZURE_FEDERATED_TOKEN_FILE).
        type: path
      access_token:
        description:
          - A bearer token for the Key Vault resource acquired beforehand, for example with C(az account get-access-token
            --resource https://vault.azure.net --query accessToken -o tsv).
          - Used with O(azure.auth_source=access_token), or with V(auto) when no client secret or certificate is set. It
            is not refreshed, so it must outlive the play.
        type: str
      authority_host:
        description:
          - Microsoft Entra ID authority to log in with, for national clouds and private endpoints, for example C(login.microsoftonline.us).
            Defaults to the public cloud. Falls back to E(AZURE_AUTHORITY_HOST).
        type: str
      disable_instance_discovery:
        description:
          - Skip Microsoft Entra ID instance discovery (metadata requests to C(login.microsoftonline.com)) before logging
            in. Needed for Azure Stack, private authorities and disconnected networks.
        type: bool
        default: false
      ca_cert:
        description:
          - PEM bundle of the CA that signed the vault's (and the authority's) TLS certificate, when it is not a public
            CA (a TLS-inspecting proxy, a private endpoint with a private CA). Defaults to the system trust.
        type: path
      validate_certs:
        description:
          - Verify TLS certificates. Turn off only for throw-away test setups.
        type: bool
        default: true
      verify_challenge_resource:
        description:
          - Check that the resource named in Key Vault's authentication challenge belongs to the vault's domain before
            sending a token (an SDK protection against token redirection).
          - Must be V(false) for a vault reached by an address outside C(*.vault.azure.net) and the national cloud domains,
            such as a loopback test server.
        type: bool
        default: true
      timeout:
        description:
          - Seconds to wait for a connection and for each response.
        type: int
        default: 30
      retries:
        description:
          - How many times the Azure SDK retries a request on connection errors, timeouts and HTTP 408, 429, 500, 502,
            503 and 504 (with exponential backoff, and after C(Retry-After) when Key Vault throttles).
        type: int
        default: 3
  gcp:
    description:
      - 'Check the Secret Manager secrets of one Google Cloud project for expiry or rotation: the connection settings,
        as for M(citadel.secrets.gcp_secret). A project is required.'
      - Skipped when not given (unless O(checks) names it, which then fails).
    type: dict
    suboptions:
      project:
        description:
          - Project ID (or number) that holds the secrets.
          - Falls back to E(GOOGLE_CLOUD_PROJECT), E(GCP_PROJECT), E(CLOUDSDK_CORE_PROJECT), then the project of the credentials
            (the service account key, or what Application Default Credentials name). Not needed when secrets are named
            in full (C(projects/PROJECT/secrets/ID)).
        type: str
      auth_kind:
        description:
          - How to get Google credentials.
          - V(application) uses Application Default Credentials (E(GOOGLE_APPLICATION_CREDENTIALS), C(gcloud auth application-default
            login), workload identity federation, or the attached service account on Google Cloud); when O(gcp.service_account_file)
            or O(gcp.service_account_info) is given it uses that key instead.
          - V(serviceaccount) uses the key in O(gcp.service_account_file) or O(gcp.service_account_info).
          - V(accesstoken) sends O(gcp.access_token) as it is (it is not refreshed).
          - V(anonymous) sends no credentials, for emulators reached through O(gcp.api_endpoint).
          - Falls back to E(GCP_AUTH_KIND).
        type: str
        default: application
        choices:
          - application
          - serviceaccount
          - accesstoken
          - anonymous
      service_account_file:
        description:
          - Path to a service account JSON key. Falls back to E(GCP_SERVICE_ACCOUNT_FILE).
        type: path
      service_account_info:
        description:
          - The service account JSON key itself, as a dict or JSON text (for example from Ansible Vault).
        type: raw
        aliases:
          - service_account_contents
      access_token:
        description:
          - An OAuth 2.0 access token, for example from C(gcloud auth print-access-token).
          - Falls back to E(GCP_ACCESS_TOKEN), then E(CLOUDSDK_AUTH_ACCESS_TOKEN).
        type: str
      impersonate_service_account:
        description:
          - Act as this service account (email), using the credentials above to get short-lived tokens for it (they need
            C(roles/iam.serviceAccountTokenCreator) on it).
          - A comma-separated list is a delegation chain, as C(gcloud --impersonate-service-account) takes it; the last
            account is the one impersonated, the others are delegates.
          - Falls back to E(CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT).
        type: str
      scopes:
        description:
          - OAuth scopes to request. Defaults to C(https://www.googleapis.com/auth/cloud-platform).
        type: list
        elements: str
      api_endpoint:
        description:
          - Secret Manager endpoint to use instead of C(secretmanager.googleapis.com), for a regional or private endpoint
            (C(secretmanager.us-east1.rep.googleapis.com), Private Service Connect) or an emulator (C(http://127.0.0.1:8085)).
            A host, with optional scheme and port; a trailing C(/v1/) is ignored.
          - Falls back to E(CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER), the variable gcloud uses.
        type: str
      timeout:
        description:
          - Seconds to wait for each request.
        type: int
        default: 30
      retries:
        description:
          - How many times a request is retried on connection errors and HTTP 429, 500, 502, 503 and 504, with exponential
            backoff and jitter.
        type: int
        default: 3
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Audit the server
  citadel.secrets.vault_posture_info:
  register: posture

- name: Fail on critical or high findings
  ansible.builtin.assert:
    that:
      - posture.summary.critical == 0
      - posture.summary.high == 0
    fail_msg: "{{ posture.findings | selectattr('severity', 'in', ['critical', 'high']) | map(attribute='message') }}"

- name: Stricter targets, KV secrets rotated every 30 days, the break-glass policy accepted
  citadel.secrets.vault_posture_info:
    ttl_targets:
      cicd: 30m
      service: 2h
    kv_rotation_max_age: 30d
    kv_mounts: [secret]
    ignore:
      - id: policy.*
        object: sys/policies/acl/break-glass
  register: posture

- name: Include AWS Secrets Manager, with credentials from the environment
  citadel.secrets.vault_posture_info:
    aws: {}
  register: posture

- name: Audit only Azure Key Vault (no Vault server needed)
  citadel.secrets.vault_posture_info:
    checks: [azure]
    azure:
      vault_url: https://myvault.vault.azure.net
      auth_source: managed_identity
  register: posture

- name: Write the report
  ansible.builtin.copy:
    content: "{{ posture | citadel.secrets.posture_report(format='html') }}"
    dest: /srv/reports/posture.html
    mode: "0600"
"""

RETURN = r"""
findings:
  description:
    - One entry per problem, most severe first (then by C(id) and C(object)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description:
        - What was found, for example V(audit.disabled), V(tokens.root), V(listener.tls_disabled),
          V(mount.ttl_above_target), V(role.ttl_above_target), V(approle.secret_id_ttl), V(approle.secret_id_num_uses),
          V(approle.cidr_binding), V(policy.sudo), V(policy.broad_path), V(policy.privileged_path),
          V(transit.not_rotated), V(kv.not_rotated), V(aws.secret_no_rotation), V(azure.secret_no_expiry),
          V(gcp.secret_no_expiry), or V(posture.incomplete) for something that could not be checked.
      type: str
      sample: approle.secret_id_ttl
    severity:
      description: V(critical), V(high), V(medium), V(low) or V(info).
      type: str
      sample: high
    check:
      description: The check family that reported it (one of O(checks)).
      type: str
      sample: approle
    object:
      description: The object concerned, as its API path where it has one.
      type: str
      sample: auth/approle/role/ci
    message:
      description: What is wrong, with the values that make it so (names, TTLs, dates; never a secret).
      type: str
      sample: secret IDs of AppRole role 'ci' never expire (secret_id_ttl is 0)
    fix:
      description: How to fix it.
      type: str
    details:
      description: Facts behind the finding (TTLs in seconds, ages, counts), depending on the C(id).
      type: dict
summary:
  description: Number of findings per severity, and in total.
  returned: always
  type: dict
  sample: {"critical": 1, "high": 2, "medium": 5, "low": 1, "info": 0, "total": 9}
checked:
  description: How many objects of each kind were examined.
  returned: always
  type: dict
  sample: {"policies": 12, "roles": 30, "kv secrets": 140, "tokens": 8}
ignored:
  description: Number of findings left out by O(ignore).
  returned: always
  type: int
checks:
  description: The check families that ran.
  returned: always
  type: list
  elements: str
server:
  description: The Vault server audited; V(null) when no Vault check ran.
  returned: always
  type: dict
  contains:
    url:
      description: Its address.
      type: str
    type:
      description: V(openbao), V(vault) or V(unknown).
      type: str
generated:
  description: When the audit ran (UTC, RFC 3339).
  returned: always
  type: str
ttl_targets:
  description: The credential-lifetime targets applied, per class.
  returned: always
  type: dict
  sample: {"cicd": "1h", "service": "4h", "database": "1d", "tls": "3d", "other": "32d"}
"""

import copy

from ansible_collections.citadel.secrets.plugins.module_utils import _module
from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws, _azure, _gcp
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture import _run
from ansible_collections.citadel.secrets.plugins.module_utils._vault.posture._ttl import CLASSES

ARGSPEC = dict(
    checks=dict(type="list", elements="str", choices=list(_run.CHECKS)),
    ttl_targets=dict(type="dict", options={name: dict(type="raw") for name in CLASSES}),
    transit_rotation_max_age=dict(type="raw", default="365d"),
    kv_rotation_max_age=dict(type="raw", default="90d"),
    kv_rotation_metadata_key=dict(type="str", default="rotation_period", no_log=False),
    kv_mounts=dict(type="list", elements="str"),
    max_items=dict(type="int", default=1000),
    concurrency=dict(type="int", default=8),
    ignore=dict(type="list", elements="dict", options=dict(id=dict(type="str"), object=dict(type="str"))),
    aws=dict(type="dict", options=copy.deepcopy(_aws.ARGSPEC)),
    azure=dict(type="dict", options=copy.deepcopy(_azure.ARGSPEC)),
    gcp=dict(type="dict", options=copy.deepcopy(_gcp.ARGSPEC)),
)


def main():
    _module.run_info_module(_run.BACKEND, _run.read, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
