#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_pki_ca
short_description: Create a root or intermediate certificate authority in a Vault or OpenBao PKI mount
version_added: 0.1.0
description:
  - Creates one CA (an issuer and its key) in a PKI secrets engine mount, and sets the mount's issuing
    certificate, CRL and OCSP URLs.
  - O(type=root) generates a self-signed root CA.
  - O(type=intermediate) with O(signing_mount) builds a two-tier chain in one task. It generates a key and CSR in
    O(mount), has the CA in O(signing_mount) sign it, and imports the signed certificate with its chain.
  - O(type=intermediate) without O(signing_mount) is for a CA signed elsewhere. The first run creates the key and
    returns RV(csr). A later run with the signed certificate in O(certificate) imports it.
  - The module finds an existing CA by its O(issuer_name). Without O(issuer_name), or when no issuer has that
    name yet, it looks for the one unnamed issuer holding a key whose certificate has O(common_name) as its subject
    CN, self-signed for a root and not self-signed for an intermediate. An issuer found this way gets
    O(issuer_name) if that option is set. Re-running the same task therefore reports no change.
  - A CA's subject, key and validity cannot change once it exists. When the CA found has another type, common
    name, O(key_type) or O(key_bits), the task fails and changes nothing. To rotate a CA, create a new one under
    another O(issuer_name) with O(set_default=true). O(ttl), the subject options, O(max_path_length) and
    O(permitted_dns_domains) are used only when a CA is created.
  - O(leaf_not_after_behavior), O(set_default) and O(urls) are settings. They are compared with the server on
    every run and changed in place.
  - O(state=absent) deletes the issuer, and its key when no other issuer uses it.
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
  - citadel.secrets.attributes.IN_PROCESS
options:
  mount:
    description:
      - Path of the PKI secrets engine, enabled with M(citadel.secrets.vault_secrets_engine) and V(engine_type=pki).
      - Set the mount's O(citadel.secrets.vault_secrets_engine#module:max_lease_ttl) at least as long as O(ttl),
        because the server caps a CA's validity at that value.
    type: str
    default: pki
  type:
    description:
      - V(root) for a self-signed CA, V(intermediate) for a CA signed by another one.
    type: str
    choices: [root, intermediate]
    default: root
  common_name:
    description:
      - Subject common name of the CA certificate, for example V(Example Root CA).
      - Required with O(state=present). With O(state=absent), either this or O(issuer_name) finds the CA.
    type: str
  issuer_name:
    description:
      - Name of the issuer in the mount. Roles refer to an issuer by this name (O(citadel.secrets.vault_pki_role#module:issuer_ref)).
      - Also the name of the CA's key, which lets a run that stopped after the CSR continue with the same key.
      - Letters, digits, V(-), V(_) and V(.); V(default) is reserved by the server.
      - Required for an intermediate without O(signing_mount).
    type: str
  exported:
    description:
      - Generate the key so that the server returns it once, in RV(private_key). The server never returns the key
        again. Store it safely, and use C(no_log) on the task.
      - V(false) keeps the key inside Vault (recommended).
    type: bool
    default: false
  key_type:
    description:
      - Type of the CA's key. The server's default is V(rsa).
    type: str
    choices: [rsa, ec, ed25519]
  key_bits:
    description:
      - Key size. For V(rsa) 2048 (default), 3072, 4096 or 8192. For V(ec) 224, 256 (default), 384 or 521.
        Not used with V(ed25519).
    type: int
  ttl:
    description:
      - Validity of the CA certificate, as seconds or a duration such as V(87600h) or V(3650d).
      - For an intermediate, the signing CA's V(leaf_not_after_behavior) decides what happens when the intermediate
        would outlive the signing CA. The default, V(err), refuses to sign.
    type: raw
  organization:
    description: Subject O values.
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
  max_path_length:
    description:
      - Number of CAs allowed below this one, V(-1) for no limit (the server's default).
    type: int
  permitted_dns_domains:
    description:
      - DNS name constraints of the CA. Certificates under it are valid only for these domains and their subdomains.
    type: list
    elements: str
  signing_mount:
    description:
      - For O(type=intermediate), the PKI mount whose CA signs this intermediate, usually the root's mount.
      - Cannot be combined with O(certificate).
    type: str
  signing_issuer:
    description:
      - The issuer in O(signing_mount) that signs, by name or ID. V(default) is that mount's default issuer.
    type: str
    default: default
  certificate:
    description:
      - For O(type=intermediate) without O(signing_mount), the PEM certificate signed by an outside CA for the
        CSR that an earlier run returned. The issuing chain may follow it in the same text.
      - Before any request, the module checks that the certificate matches O(common_name), and that it was issued
        for the waiting key when the server reports that key's identifier.
    type: str
  leaf_not_after_behavior:
    description:
      - What the CA does when a certificate it signs would outlive it. V(err) refuses (the server's default),
        V(truncate) shortens the certificate, V(permit) allows it.
    type: str
    choices: [err, truncate, permit]
  set_default:
    description:
      - Make this CA the mount's default issuer, which is used by roles with O(citadel.secrets.vault_pki_role#module:issuer_ref=default).
      - The first CA of a mount becomes its default anyway. V(false) leaves the default as it is.
    type: bool
    default: false
  urls:
    description:
      - The mount's authority information access URLs (C(<mount>/config/urls)), which are written into every
        certificate the mount issues from then on.
      - They are set before a new CA is generated, so that an intermediate signed in the same run carries them.
      - Only the keys given are compared. An empty list clears one.
    type: dict
    suboptions:
      issuing_certificates:
        description: Where the issuing CA certificate can be downloaded, for example V(https://vault.example.com:8200/v1/pki/ca).
        type: list
        elements: str
      crl_distribution_points:
        description: Where the CRL can be downloaded, for example V(https://vault.example.com:8200/v1/pki/crl).
        type: list
        elements: str
      ocsp_servers:
        description: OCSP responder URLs, for example V(https://vault.example.com:8200/v1/pki/ocsp).
        type: list
        elements: str
      enable_templating:
        description: Whether the URLs may contain the server's templates such as C({{issuer_id}}).
        type: bool
  state:
    description:
      - V(present) creates the CA if it is missing and applies the settings.
      - V(absent) deletes the issuer found by O(issuer_name) or O(common_name) and O(type), together with its key
        unless another issuer uses that key. A key that waits for its certificate is deleted as well.
      - Deleting is refused when the CA found is of another O(type), or has another O(common_name) when that
        option is given.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Uses the multi-issuer API (C(issuers/generate/...), C(issuer/<ref>), C(config/issuers)). OpenBao 2.x and
    HashiCorp Vault 1.11 and later serve it, with the same behaviour.
  - Both servers reset every setting of an issuer that a write to C(<mount>/issuer/<ref>) omits. The module
    therefore writes back all settings it read, with the changed ones replaced.
  - An intermediate is imported together with its chain (C(intermediate/set-signed)), so the root certificate also
    appears in the intermediate mount, as an issuer without a key. This lets the server return the full chain
    (RV(issuer.ca_chain), and C(ca_chain) of issued certificates).
  - Requires the Python library C(cryptography) on the host running the module, to read certificates.
  - Check mode performs only reads. A CA that does not exist yet is shown with RV(issuer.issuer_id),
    RV(issuer.serial_number) and RV(issuer.not_after) set to V(null), because the server chooses them.
seealso:
  - module: citadel.secrets.vault_secrets_engine
  - module: citadel.secrets.vault_pki_role
  - module: citadel.secrets.vault_pki_certificate
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Enable the root and intermediate PKI mounts
  citadel.secrets.vault_secrets_engine:
    path: "{{ item.path }}"
    engine_type: pki
    max_lease_ttl: "{{ item.max_ttl }}"
  loop:
    - {path: pki, max_ttl: 87600h}
    - {path: pki_int, max_ttl: 43800h}

- name: Root CA, key kept inside Vault
  citadel.secrets.vault_pki_ca:
    mount: pki
    type: root
    common_name: Example Root CA
    issuer_name: root-2025
    key_type: ec
    key_bits: 384
    ttl: 87600h
    urls:
      issuing_certificates: [https://vault.example.com:8200/v1/pki/ca]
      crl_distribution_points: [https://vault.example.com:8200/v1/pki/crl]
  register: root_ca

- name: Intermediate CA signed by the root, for the web servers of example.com
  citadel.secrets.vault_pki_ca:
    mount: pki_int
    type: intermediate
    common_name: Example Web Intermediate CA
    issuer_name: web-2025
    signing_mount: pki
    signing_issuer: root-2025
    ttl: 43800h
    leaf_not_after_behavior: truncate
    urls:
      issuing_certificates: [https://vault.example.com:8200/v1/pki_int/ca]
      crl_distribution_points: [https://vault.example.com:8200/v1/pki_int/crl]

- name: Save the root certificate for the trust stores
  ansible.builtin.copy:
    content: "{{ root_ca.issuer.certificate }}"
    dest: /etc/pki/example-root-ca.pem
    mode: "0644"

- name: Intermediate signed by an outside CA, step 1 - get the CSR
  citadel.secrets.vault_pki_ca:
    mount: pki_partner
    type: intermediate
    common_name: Example Partner CA
    issuer_name: partner-2025
  register: partner

- name: Step 2 - import the certificate the outside CA signed
  citadel.secrets.vault_pki_ca:
    mount: pki_partner
    type: intermediate
    common_name: Example Partner CA
    issuer_name: partner-2025
    certificate: "{{ lookup('ansible.builtin.file', 'partner-ca-chain.pem') }}"

- name: Root CA with an exported key (returned once; keep it out of the logs)
  citadel.secrets.vault_pki_ca:
    mount: pki_offline
    common_name: Example Offline Root
    issuer_name: offline-root
    exported: true
  register: offline_root
  no_log: true
"""

RETURN = r"""
issuer:
  description:
    - The CA after the task, empty when it does not exist.
    - In check mode, the CA as a real run would leave it. Values chosen by the server are V(null) for a CA that
      does not exist yet.
  returned: always
  type: dict
  contains:
    issuer_id:
      description: ID of the issuer in the mount.
      type: str
      sample: 1f4f5ee7-2d48-fb0e-e13f-8cbd08a2b18b
    issuer_name:
      description: Name of the issuer (empty when it has none).
      type: str
      sample: root-2025
    key_id:
      description: ID of the CA's key in the mount.
      type: str
    type:
      description: V(root) or V(intermediate).
      type: str
    common_name:
      description: Subject CN of the CA certificate.
      type: str
    signed_by:
      description: Subject CN of the CA that signed this one (its own CN for a root).
      type: str
    key_type:
      description: V(rsa), V(ec) or V(ed25519).
      type: str
    key_bits:
      description: Key size (V(0) for V(ed25519)).
      type: int
    serial_number:
      description: Serial number of the CA certificate, as colon-separated hex.
      type: str
    not_after:
      description: End of the CA certificate's validity (UTC, ISO 8601).
      type: str
      sample: "2035-05-01T12:00:00Z"
    leaf_not_after_behavior:
      description: V(err), V(truncate) or V(permit).
      type: str
    default:
      description: Whether this is the mount's default issuer.
      type: bool
    certificate:
      description: The CA certificate (PEM). Public.
      type: str
      returned: when the CA exists
    ca_chain:
      description: The CA certificate and the certificates above it (PEM each), as the server builds the chain.
      type: list
      elements: str
      returned: when the CA exists
urls:
  description: The mount's AIA URLs after the task.
  returned: when O(urls) is given and O(state=present)
  type: dict
  sample:
    issuing_certificates: [https://vault.example.com:8200/v1/pki/ca]
    crl_distribution_points: [https://vault.example.com:8200/v1/pki/crl]
    ocsp_servers: []
    enable_templating: false
pending:
  description:
    - V(true) while an intermediate's key waits for its signed certificate (no O(signing_mount) and no
      O(certificate) yet).
  returned: always
  type: bool
csr:
  description:
    - The certificate signing request (PEM) of an intermediate, to be signed outside this mount.
    - Returned when the key is created and, outside check mode, on later runs while the key waits for its
      certificate. It is made again from the same key each time.
  returned: when an intermediate's key waits for its certificate, or was signed in this run
  type: str
private_key:
  description:
    - B(Secret.) The CA's private key (PEM), only with O(exported=true) and only on the run that created the key.
      The server never returns it again. Set C(no_log) to true on the task that registers it.
  returned: when an exported key was created
  type: str
diff:
  description:
    - The CA and the URLs before and after (no certificate text and never a key).
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_ca import PkiCaResource

ARGSPEC = dict(
    mount=dict(type="str", default="pki"),
    type=dict(type="str", default="root", choices=["root", "intermediate"]),
    common_name=dict(type="str"),
    issuer_name=dict(type="str"),
    exported=dict(type="bool", default=False),
    key_type=dict(type="str", choices=["rsa", "ec", "ed25519"], no_log=False),
    key_bits=dict(type="int", no_log=False),
    ttl=dict(type="raw"),
    organization=dict(type="list", elements="str"),
    ou=dict(type="list", elements="str"),
    country=dict(type="list", elements="str"),
    locality=dict(type="list", elements="str"),
    province=dict(type="list", elements="str"),
    max_path_length=dict(type="int"),
    permitted_dns_domains=dict(type="list", elements="str"),
    signing_mount=dict(type="str"),
    signing_issuer=dict(type="str", default="default"),
    certificate=dict(type="str"),
    leaf_not_after_behavior=dict(type="str", choices=["err", "truncate", "permit"]),
    set_default=dict(type="bool", default=False),
    urls=dict(type="dict", options=dict(
        issuing_certificates=dict(type="list", elements="str"),
        crl_distribution_points=dict(type="list", elements="str"),
        ocsp_servers=dict(type="list", elements="str"),
        enable_templating=dict(type="bool"),
    )),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(PkiCaResource, ARGSPEC, mutually_exclusive=[("signing_mount", "certificate")],
                        supports_check_mode=True)


if __name__ == "__main__":
    main()
