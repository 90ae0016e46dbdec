#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_pki_role
short_description: Manage a role of a Vault or OpenBao PKI secrets engine
version_added: 0.1.0
description:
  - Creates, updates or deletes a role at C(<mount>/roles/<name>). A role decides which names a certificate
    may carry, how long it lives, its key and its usages.
  - Only the options given are compared with the server. Options left out keep the value on the server, which is
    the server's default for a new role.
  - TTLs are compared in seconds, domain and usage lists as sets, and key usages case-insensitively. When
    O(key_type) is given without O(key_bits), the type's default size is compared (2048 for V(rsa), 256 for
    V(ec)). A re-run therefore reports no change.
  - All options are checked before any request. This covers key type and size, usage names, and O(ttl) longer
    than O(max_ttl).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description: Path of the PKI secrets engine.
    type: str
    default: pki
  name:
    description: Name of the role, used in C(<mount>/issue/<name>).
    type: str
    required: true
  issuer_ref:
    description:
      - The issuer that signs the role's certificates, by name or ID. V(default) is the mount's default issuer
        (the server's default).
    type: str
  ttl:
    description:
      - Default validity of issued certificates, as seconds or a duration (V(72h)). V(0) means the mount's default.
    type: raw
  max_ttl:
    description:
      - Longest validity a certificate may ask for, as seconds or a duration (V(720h)). V(0) means the mount's
        maximum.
    type: raw
  not_before_duration:
    description: How far in the past the certificate's start of validity is set, to allow for clock skew (server default 30s).
    type: raw
  allowed_domains:
    description:
      - Domains that certificates may be issued for. What they allow depends on O(allow_bare_domains),
        O(allow_subdomains) and O(allow_glob_domains).
    type: list
    elements: str
  allowed_domains_template:
    description: Whether O(allowed_domains) may contain identity templates.
    type: bool
  allow_bare_domains:
    description: Allow a name that equals one of O(allowed_domains) exactly.
    type: bool
  allow_subdomains:
    description: Allow subdomains of O(allowed_domains), including wildcards when O(allow_wildcard_certificates) allows them.
    type: bool
  allow_glob_domains:
    description: Allow glob patterns such as V(web-*.example.com) in O(allowed_domains).
    type: bool
  allow_wildcard_certificates:
    description: Allow wildcard names such as V(*.example.com) (server default V(true)).
    type: bool
  allow_any_name:
    description: Allow any common name and DNS name. Overrides O(allowed_domains).
    type: bool
  allow_localhost:
    description: Allow V(localhost) and V(localdomain) (server default V(true)).
    type: bool
  enforce_hostnames:
    description: Only allow valid host names as DNS names (server default V(true)).
    type: bool
  allow_ip_sans:
    description: Allow IP address SANs (server default V(true)).
    type: bool
  allowed_uri_sans:
    description: URI SANs that are allowed (globs allowed).
    type: list
    elements: str
  allowed_uri_sans_template:
    description: Whether O(allowed_uri_sans) may contain identity templates.
    type: bool
  allowed_other_sans:
    description: Other SANs allowed, as C(<oid>;<type>:<value>).
    type: list
    elements: str
  server_flag:
    description: Certificates are valid for TLS servers (server default V(true)).
    type: bool
  client_flag:
    description: Certificates are valid for TLS clients (server default V(true)).
    type: bool
  code_signing_flag:
    description: Certificates are valid for code signing.
    type: bool
  email_protection_flag:
    description: Certificates are valid for email protection.
    type: bool
  key_type:
    description:
      - Key type of issued certificates (and accepted CSRs). V(any) accepts every type when signing a CSR.
    type: str
    choices: [rsa, ec, ed25519, any]
  key_bits:
    description:
      - Key size. For V(rsa) 2048, 3072, 4096 or 8192. For V(ec) 224, 256, 384 or 521. V(0) means the type's
        default.
    type: int
  signature_bits:
    description: Hash size of the signature, V(256), V(384) or V(512). V(0) means automatic.
    type: int
  use_pss:
    description: Sign with RSA-PSS instead of PKCS#1 v1.5 (RSA issuers only).
    type: bool
  key_usage:
    description:
      - X.509 key usages, for example V(DigitalSignature) or V(KeyEncipherment). Names are case-insensitive.
      - The server's default is V(DigitalSignature), V(KeyAgreement), V(KeyEncipherment).
    type: list
    elements: str
  ext_key_usage:
    description:
      - Extended key usages beyond those set by the flags, for example V(ServerAuth), V(ClientAuth) or V(OCSPSigning).
    type: list
    elements: str
  ext_key_usage_oids:
    description: Extended key usages given as OIDs.
    type: list
    elements: str
  use_csr_common_name:
    description: When signing a CSR, take the common name from it (server default V(true)).
    type: bool
  use_csr_sans:
    description: When signing a CSR, take the SANs from it (server default V(true)).
    type: bool
  organization:
    description: Subject O values of issued certificates.
    type: list
    elements: str
  ou:
    description: Subject OU values.
    type: list
    elements: str
  country:
    description: Subject C values.
    type: list
    elements: str
  locality:
    description: Subject L values.
    type: list
    elements: str
  province:
    description: Subject ST values.
    type: list
    elements: str
  street_address:
    description: Subject street address values.
    type: list
    elements: str
  postal_code:
    description: Subject postal code values.
    type: list
    elements: str
  generate_lease:
    description: Attach a lease to each issued certificate (costly with many certificates; server default V(false)).
    type: bool
  no_store:
    description:
      - Do not store issued certificates on the server. This suits many short-lived certificates, but such
        certificates cannot be revoked by serial number.
    type: bool
  require_cn:
    description: Require a common name in requests (server default V(true)).
    type: bool
  cn_validations:
    description: How the common name is validated, any of V(email), V(hostname), or V(disabled) alone.
    type: list
    elements: str
  basic_constraints_valid_for_non_ca:
    description: Mark the basic constraints extension valid in non-CA certificates.
    type: bool
  policy_identifiers:
    description: Certificate policy OIDs.
    type: list
    elements: str
  state:
    description: V(present) creates or updates the role, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Both OpenBao and HashiCorp Vault replace the whole role on every write. The module therefore writes back
    every field it read, with the changed ones replaced. Fields that only one of the two servers has (such
    as OpenBao's C(not_before_bound) and C(not_after_bound)) keep their values this way, even though this
    module has no option for them.
  - The server keeps key usage names as they were written, and the module compares them case-insensitively.
    Changing only the spelling (V(digitalsignature) to V(DigitalSignature)) is not a change.
seealso:
  - module: citadel.secrets.vault_pki_ca
  - module: citadel.secrets.vault_pki_certificate
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: A web-server role for example.com subdomains, 30 days at most
  citadel.secrets.vault_pki_role:
    mount: pki_int
    name: web-server
    issuer_ref: web-2025
    allowed_domains: [example.com]
    allow_subdomains: true
    allow_bare_domains: false
    allow_wildcard_certificates: false
    allow_ip_sans: true
    server_flag: true
    client_flag: false
    key_type: ec
    key_bits: 256
    key_usage: [DigitalSignature]
    ext_key_usage: [ServerAuth]
    ttl: 72h
    max_ttl: 720h

- name: Short-lived client certificates that are not stored on the server
  citadel.secrets.vault_pki_role:
    mount: pki_int
    name: service-client
    allowed_domains: [svc.example.com]
    allow_subdomains: true
    server_flag: false
    client_flag: true
    ttl: 1h
    max_ttl: 24h
    no_store: true

- name: Remove a role
  citadel.secrets.vault_pki_role:
    mount: pki_int
    name: legacy
    state: absent
"""

RETURN = r"""
role:
  description:
    - The role after the task, every field the module knows, normalised. TTLs are in seconds, lists sorted, and
      key usages in lower case. Empty when the role does not exist.
    - In check mode, the role as a real run would leave it. For a role that does not exist yet, only the options
      given are shown.
  returned: always
  type: dict
  sample:
    allowed_domains: [example.com]
    allow_subdomains: true
    max_ttl: 2592000
    ttl: 259200
    key_type: ec
    key_bits: 256
    key_usage: [digitalsignature]
    ext_key_usage: [serverauth]
diff:
  description: The role before and after.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_role import PkiRoleResource


def main():
    run_resource_module(PkiRoleResource, PkiRoleResource.argspec, **PkiRoleResource.argspec_kwargs,
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
