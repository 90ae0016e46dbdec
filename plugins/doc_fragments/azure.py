# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by every Azure Key Vault module and lookup (module_utils/_cloud/_azure.py).
    DOCUMENTATION = r"""
options:
  vault_url:
    description:
      - URL of the key vault, for example C(https://myvault.vault.azure.net). Must be C(https://).
      - Falls back to E(AZURE_KEYVAULT_URL).
    type: str
  auth_source:
    description:
      - How to get a Microsoft Entra ID token for Key Vault.
      - V(auto) uses O(client_secret) when it is set, else O(certificate_path), else O(access_token); with none
        of them it uses the Azure SDK's C(DefaultAzureCredential) chain (the E(AZURE_TENANT_ID)/E(AZURE_CLIENT_ID)
        environment credentials, workload identity, managed identity, the Azure CLI login, and so on), with
        O(client_id) as the user-assigned managed identity or workload identity client ID when given.
      - V(client_secret) and V(certificate) log in as a service principal with O(tenant_id), O(client_id) and
        O(client_secret) or O(certificate_path).
      - V(managed_identity) uses the host's managed identity; set O(client_id) for a user-assigned identity.
      - V(workload_identity) exchanges the federated token in O(federated_token_file) (Kubernetes workload
        identity) for O(client_id) in O(tenant_id).
      - V(access_token) sends O(access_token) as it is.
    type: str
    default: auto
    choices: [auto, client_secret, certificate, managed_identity, workload_identity, access_token]
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
      - Password of the private key in O(certificate_path). Falls back to E(AZURE_CLIENT_CERTIFICATE_PASSWORD).
    type: str
  federated_token_file:
    description:
      - File with the federated (Kubernetes service account) token for O(auth_source=workload_identity).
      - Falls back to E(AZURE_FEDERATED_TOKEN_FILE).
    type: path
  access_token:
    description:
      - A bearer token for the Key Vault resource acquired beforehand, for example with
        C(az account get-access-token --resource https://vault.azure.net --query accessToken -o tsv).
      - Used with O(auth_source=access_token), or with V(auto) when no client secret or certificate is set. It is
        not refreshed, so it must outlive the play.
    type: str
  authority_host:
    description:
      - Microsoft Entra ID authority to log in with, for national clouds and private endpoints, for example
        C(login.microsoftonline.us). Defaults to the public cloud. Falls back to E(AZURE_AUTHORITY_HOST).
    type: str
  disable_instance_discovery:
    description:
      - Skip Microsoft Entra ID instance discovery (metadata requests to C(login.microsoftonline.com)) before
        logging in. Needed for Azure Stack, private authorities and disconnected networks.
    type: bool
    default: false
  ca_cert:
    description:
      - PEM bundle of the CA that signed the vault's (and the authority's) TLS certificate, when it is not a
        public CA (a TLS-inspecting proxy, a private endpoint with a private CA). Defaults to the system trust.
    type: path
  validate_certs:
    description:
      - Verify TLS certificates. Turn off only for throw-away test setups.
    type: bool
    default: true
  verify_challenge_resource:
    description:
      - Check that the resource named in Key Vault's authentication challenge belongs to the vault's domain
        before sending a token (an SDK protection against token redirection).
      - Must be V(false) for a vault reached by an address outside C(*.vault.azure.net) and the national cloud
        domains, such as a loopback test server.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for a connection and for each response.
    type: int
    default: 30
  retries:
    description:
      - How many times the Azure SDK retries a request on connection errors, timeouts and HTTP 408, 429, 500,
        502, 503 and 504 (with exponential backoff, and after C(Retry-After) when Key Vault throttles).
    type: int
    default: 3
"""

    PLUGINS = r"""
options:
  vault_url:
    env:
      - name: AZURE_KEYVAULT_URL
    ini:
      - section: citadel_azure
        key: vault_url
    vars:
      - name: citadel_azure_vault_url
  auth_source:
    ini:
      - section: citadel_azure
        key: auth_source
    vars:
      - name: citadel_azure_auth_source
  tenant_id:
    env:
      - name: AZURE_TENANT_ID
    ini:
      - section: citadel_azure
        key: tenant_id
    vars:
      - name: citadel_azure_tenant_id
  client_id:
    env:
      - name: AZURE_CLIENT_ID
    ini:
      - section: citadel_azure
        key: client_id
    vars:
      - name: citadel_azure_client_id
  client_secret:
    env:
      - name: AZURE_CLIENT_SECRET
    vars:
      - name: citadel_azure_client_secret
  certificate_path:
    env:
      - name: AZURE_CLIENT_CERTIFICATE_PATH
    ini:
      - section: citadel_azure
        key: certificate_path
    vars:
      - name: citadel_azure_certificate_path
  certificate_password:
    env:
      - name: AZURE_CLIENT_CERTIFICATE_PASSWORD
    vars:
      - name: citadel_azure_certificate_password
  federated_token_file:
    env:
      - name: AZURE_FEDERATED_TOKEN_FILE
    ini:
      - section: citadel_azure
        key: federated_token_file
    vars:
      - name: citadel_azure_federated_token_file
  access_token:
    vars:
      - name: citadel_azure_access_token
  authority_host:
    env:
      - name: AZURE_AUTHORITY_HOST
    ini:
      - section: citadel_azure
        key: authority_host
    vars:
      - name: citadel_azure_authority_host
  disable_instance_discovery:
    ini:
      - section: citadel_azure
        key: disable_instance_discovery
    vars:
      - name: citadel_azure_disable_instance_discovery
  ca_cert:
    ini:
      - section: citadel_azure
        key: ca_cert
    vars:
      - name: citadel_azure_ca_cert
  validate_certs:
    ini:
      - section: citadel_azure
        key: validate_certs
    vars:
      - name: citadel_azure_validate_certs
  verify_challenge_resource:
    ini:
      - section: citadel_azure
        key: verify_challenge_resource
    vars:
      - name: citadel_azure_verify_challenge_resource
  timeout:
    ini:
      - section: citadel_azure
        key: timeout
    vars:
      - name: citadel_azure_timeout
  retries:
    ini:
      - section: citadel_azure
        key: retries
    vars:
      - name: citadel_azure_retries
"""

    # Member of the citadel.secrets.azure action group (module_defaults).
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [citadel.secrets.azure]
    description: Use C(group/citadel.secrets.azure) in C(module_defaults) to set the vault and credentials once.
"""
