# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by every GCP module and lookup (module_utils/_cloud/_gcp.py).
    DOCUMENTATION = r"""
options:
  project:
    description:
      - Project ID (or number) that holds the secrets.
      - Falls back to E(GOOGLE_CLOUD_PROJECT), E(GCP_PROJECT), E(CLOUDSDK_CORE_PROJECT), then the project of the
        credentials (the service account key, or what Application Default Credentials name). Not needed when
        secrets are named in full (C(projects/PROJECT/secrets/ID)).
    type: str
  auth_kind:
    description:
      - How to get Google credentials.
      - V(application) uses Application Default Credentials (E(GOOGLE_APPLICATION_CREDENTIALS),
        C(gcloud auth application-default login), workload identity federation, or the attached service account on
        Google Cloud); when O(service_account_file) or O(service_account_info) is given it uses that key instead.
      - V(serviceaccount) uses the key in O(service_account_file) or O(service_account_info).
      - V(accesstoken) sends O(access_token) as it is (it is not refreshed).
      - V(anonymous) sends no credentials, for emulators reached through O(api_endpoint).
      - Falls back to E(GCP_AUTH_KIND).
    type: str
    default: application
    choices: [application, serviceaccount, accesstoken, anonymous]
  service_account_file:
    description:
      - Path to a service account JSON key. Falls back to E(GCP_SERVICE_ACCOUNT_FILE).
    type: path
  service_account_info:
    description:
      - The service account JSON key itself, as a dict or JSON text (for example from Ansible Vault).
    type: raw
    aliases: [service_account_contents]
  access_token:
    description:
      - An OAuth 2.0 access token, for example from C(gcloud auth print-access-token).
      - Falls back to E(GCP_ACCESS_TOKEN), then E(CLOUDSDK_AUTH_ACCESS_TOKEN).
    type: str
  impersonate_service_account:
    description:
      - Act as this service account (email), using the credentials above to get short-lived tokens for it
        (they need C(roles/iam.serviceAccountTokenCreator) on it).
      - A comma-separated list is a delegation chain, as C(gcloud --impersonate-service-account) takes it; the
        last account is the one impersonated, the others are delegates.
      - Falls back to E(CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT).
    type: str
  scopes:
    description:
      - OAuth scopes to request. Defaults to C(https://www.googleapis.com/auth/cloud-platform).
    type: list
    elements: str
  api_endpoint:
    description:
      - Secret Manager endpoint to use instead of C(secretmanager.googleapis.com), for a regional or private
        endpoint (C(secretmanager.us-east1.rep.googleapis.com), Private Service Connect) or an emulator
        (C(http://127.0.0.1:8085)). A host, with optional scheme and port; a trailing C(/v1/) is ignored.
      - Falls back to E(CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER), the variable gcloud uses.
    type: str
  timeout:
    description:
      - Seconds to wait for each request.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried on connection errors and HTTP 429, 500, 502, 503 and 504, with
        exponential backoff and jitter.
    type: int
    default: 3
"""

    PLUGINS = r"""
options:
  project:
    env:
      - name: GOOGLE_CLOUD_PROJECT
      - name: GCP_PROJECT
      - name: CLOUDSDK_CORE_PROJECT
    ini:
      - section: citadel_gcp
        key: project
    vars:
      - name: citadel_gcp_project
  auth_kind:
    env:
      - name: GCP_AUTH_KIND
    ini:
      - section: citadel_gcp
        key: auth_kind
    vars:
      - name: citadel_gcp_auth_kind
  service_account_file:
    env:
      - name: GCP_SERVICE_ACCOUNT_FILE
    ini:
      - section: citadel_gcp
        key: service_account_file
    vars:
      - name: citadel_gcp_service_account_file
  service_account_info:
    vars:
      - name: citadel_gcp_service_account_info
  access_token:
    env:
      - name: GCP_ACCESS_TOKEN
      - name: CLOUDSDK_AUTH_ACCESS_TOKEN
    vars:
      - name: citadel_gcp_access_token
  impersonate_service_account:
    env:
      - name: CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT
    ini:
      - section: citadel_gcp
        key: impersonate_service_account
    vars:
      - name: citadel_gcp_impersonate_service_account
  scopes:
    ini:
      - section: citadel_gcp
        key: scopes
    vars:
      - name: citadel_gcp_scopes
  api_endpoint:
    env:
      - name: CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER
    ini:
      - section: citadel_gcp
        key: api_endpoint
    vars:
      - name: citadel_gcp_api_endpoint
  timeout:
    ini:
      - section: citadel_gcp
        key: timeout
    vars:
      - name: citadel_gcp_timeout
  retries:
    ini:
      - section: citadel_gcp
        key: retries
    vars:
      - name: citadel_gcp_retries
"""

    # Member of the citadel.secrets.gcp action group (module_defaults).
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [citadel.secrets.gcp]
    description: Use C(group/citadel.secrets.gcp) in C(module_defaults) to set the project and credentials once.
"""
