#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_pki_certificate
short_description: Issue a certificate from a Vault or OpenBao PKI role and keep it in files
version_added: 0.1.0
description:
  - Issues a certificate and key from a PKI role (C(<mount>/issue/<pki_role>)). It can write the certificate, the key,
    the CA chain and the full chain to files on the host running the module. The key file gets mode V(0600) by
    default.
  - With O(cert_path), the files are the state. A new certificate is issued only when the certificate file is
    missing or unreadable, or when the certificate in it does not match the request. That covers its common name
    and its DNS, IP, URI and email SANs. It also covers the CA. If the CA that would sign a new certificate did not
    sign this one, a new certificate is issued, so rotating the issuer re-issues. A certificate is also re-issued
    when the O(key_path) file does not hold its key, when it expires within O(renew_before), or with O(force=true).
    Otherwise only out-of-date chain files and file modes and owners are corrected. RV(reasons) says why a
    certificate was issued.
  - Without O(cert_path), every run issues a new certificate and reports a change. This is useful to hand a
    certificate to another task.
  - The private key is returned (RV(private_key)) only when no O(key_path) is given. Use C(no_log) on such a task.
  - Check mode predicts whether a certificate would be issued and which files would change, without issuing or
    writing.
  - O(state=absent) removes the files and, with O(revoke=true), first revokes the certificate found in O(cert_path).
extends_documentation_fragment:
  - citadel.secrets.vault_connection
  - citadel.secrets.vault_auth
  - citadel.secrets.attributes
  - citadel.secrets.attributes.VAULT_GROUP
options:
  mount:
    description: Path of the PKI secrets engine.
    type: str
    default: pki
  pki_role:
    description:
      - The PKI role to issue from (M(citadel.secrets.vault_pki_role)).
      - Named so because O(role) is the login role of the V(jwt), V(kubernetes) and V(cert) auth methods.
    type: str
    required: true
  common_name:
    description:
      - Subject common name, for example V(www.example.com). The server adds it to the DNS SANs (or to the email
        SANs for an email address) unless O(exclude_cn_from_sans=true).
      - Required with O(state=present).
    type: str
  alt_names:
    description: Additional DNS names (or email addresses) for the subject alternative names.
    type: list
    elements: str
  ip_sans:
    description: IP address SANs. The role must allow them (O(citadel.secrets.vault_pki_role#module:allow_ip_sans)).
    type: list
    elements: str
  uri_sans:
    description: URI SANs. The role must allow them (O(citadel.secrets.vault_pki_role#module:allowed_uri_sans)).
    type: list
    elements: str
  exclude_cn_from_sans:
    description: Do not add the common name to the SANs.
    type: bool
    default: false
  ttl:
    description:
      - Validity of the certificate, as seconds or a duration (V(72h)). The role's O(citadel.secrets.vault_pki_role#module:ttl)
        is the default, and the server caps it at the role's O(citadel.secrets.vault_pki_role#module:max_ttl) with
        a warning.
      - Not compared with an existing certificate. Use O(renew_before) or O(force=true) to get a new validity.
    type: raw
  issuer_ref:
    description:
      - Issue with this issuer (name or ID) instead of the role's, through C(<mount>/issuer/<issuer_ref>/issue/<pki_role>).
      - An existing certificate not signed by this issuer (or, without this option, by the role's issuer) is replaced.
    type: str
  private_key_format:
    description:
      - V(pem) writes the key in the server's default form (PKCS#1 for RSA, SEC 1 for EC). V(pkcs8) writes a
        PKCS#8 C(BEGIN PRIVATE KEY) block.
      - Not compared with an existing key file.
    type: str
    choices: [pem, pkcs8]
    default: pem
  cert_path:
    description:
      - File for the certificate (PEM). Also what later runs compare to decide whether to issue again.
      - Every path must be absolute, and its directory must exist and be writable. This is checked before
        anything is issued.
    type: path
  key_path:
    description:
      - File for the private key (PEM), written with O(key_mode). Needs O(cert_path).
      - When not given, the key is returned in RV(private_key) instead.
    type: path
  chain_path:
    description:
      - File for the CA chain as the server returns it (C(ca_chain)). That is the issuing CA and the CAs above it,
        as far as the mount knows them, which includes the root when the intermediate was imported with its chain.
        Needs O(cert_path).
    type: path
  fullchain_path:
    description:
      - File for the certificate followed by the CA chain, as web servers such as nginx expect. Needs O(cert_path).
    type: path
  cert_mode:
    description:
      - Mode of the certificate and chain files, as an octal string (V('0644')).
    type: raw
    default: '0644'
  key_mode:
    description:
      - Mode of the key file, as an octal string. The file is created with V(0600) before anything is written to it.
    type: raw
    default: '0600'
  owner:
    description:
      - Owner (name or UID) of every file written. Without it, new files belong to the user running the module
        and replaced files keep their owner.
    type: str
  group:
    description:
      - Group (name or GID) of every file written. The same rules as for O(owner) apply.
    type: str
  renew_before:
    description:
      - Issue a new certificate when the existing one expires within this time, as seconds or a duration
        (V(720h), V(7d)).
      - The default is one third of the certificate's total validity.
    type: raw
  force:
    description: Issue a new certificate even when the existing one is fine.
    type: bool
    default: false
  revoke:
    description:
      - With O(state=absent), revoke the certificate in O(cert_path) before removing the files. Revocation is by
        certificate, so it also works for roles with O(citadel.secrets.vault_pki_role#module:no_store=true).
    type: bool
    default: false
  state:
    description:
      - V(present) keeps a valid certificate in the files (or issues one when there are none).
      - V(absent) removes the files.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Runs on the host where the files live, which needs the Python library C(cryptography) and network access to
    the server.
  - Files are written through a temporary file in the same directory, which is renamed into place. A reader never
    sees a half-written key, and the key file is never readable by others, even briefly. When a new certificate
    is issued, all its files are renamed into place one after another, after every one of them is written.
  - To tell which CA signs now, the module reads the role's C(issuer_ref) and that issuer's certificate
    (C(<mount>/issuer/<ref>/json)). A token that may not read the role makes it assume the mount's default issuer.
    Both OpenBao and HashiCorp Vault (1.11 and later) serve these paths.
  - The token needs C(update) on C(<mount>/issue/<pki_role>) (or C(<mount>/issuer/<issuer_ref>/issue/<pki_role>)),
    and C(update) on C(<mount>/revoke) for O(revoke=true). It is not required to read the role or list the issuers.
  - The server's warnings (for example a O(ttl) capped by the role's C(max_ttl)) are shown as task warnings.
seealso:
  - module: citadel.secrets.vault_pki_role
  - module: citadel.secrets.vault_pki_ca
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Certificate for www.example.com from the web-server role, renewed a week before it expires
  citadel.secrets.vault_pki_certificate:
    mount: pki_int
    pki_role: web-server
    common_name: www.example.com
    alt_names: [example-cdn.example.com]
    ttl: 720h
    renew_before: 7d
    cert_path: /etc/nginx/tls/www.crt
    key_path: /etc/nginx/tls/www.key
    fullchain_path: /etc/nginx/tls/www.fullchain.crt
    owner: root
    group: nginx
    key_mode: "0640"
  notify: Reload nginx

- name: An internal API with an IP SAN, files in the service's directory
  citadel.secrets.vault_pki_certificate:
    mount: pki_int
    pki_role: web-server
    common_name: api.example.com
    ip_sans: [10.0.0.15]
    cert_path: /srv/api/tls/cert.pem
    key_path: /srv/api/tls/key.pem
    chain_path: /srv/api/tls/chain.pem

- name: A certificate handed to the next task (no files; the key is in the result)
  citadel.secrets.vault_pki_certificate:
    mount: pki_int
    pki_role: web-server
    common_name: build.example.com
    ttl: 1h
  register: build_cert
  no_log: true

- name: Retire a certificate
  citadel.secrets.vault_pki_certificate:
    mount: pki_int
    pki_role: web-server
    cert_path: /srv/api/tls/cert.pem
    key_path: /srv/api/tls/key.pem
    chain_path: /srv/api/tls/chain.pem
    revoke: true
    state: absent
"""

RETURN = r"""
issued:
  description: Whether a new certificate was issued (in check mode, would be issued).
  returned: always
  type: bool
reasons:
  description: Why a certificate was (or would be) issued; empty when the existing one was kept.
  returned: always
  type: list
  elements: str
  sample: ["it expires at 2025-06-01T10:00:00Z, within renew_before (604800s)"]
cert_info:
  description:
    - Facts of the certificate after the task, empty when there is none. In check mode, when a certificate would
      be issued, RV(cert_info.serial_number) and RV(cert_info.not_after) read C((new)).
  returned: always
  type: dict
  contains:
    common_name:
      description: Subject common name.
      type: str
    dns_sans:
      description: DNS names (sorted, lower case).
      type: list
      elements: str
    ip_sans:
      description: IP addresses.
      type: list
      elements: str
    uri_sans:
      description: URIs.
      type: list
      elements: str
    email_sans:
      description: Email addresses.
      type: list
      elements: str
    issuer:
      description: Common name of the CA that signed it.
      type: str
    serial_number:
      description: Serial number, as colon-separated hex.
      type: str
    not_after:
      description: End of validity (UTC, ISO 8601).
      type: str
certificate:
  description: The certificate (PEM). Public.
  returned: when a certificate was issued or read from O(cert_path) (not in check mode when one would be issued)
  type: str
ca_chain:
  description: The CA chain (PEM each), issuing CA first.
  returned: when RV(certificate) is returned
  type: list
  elements: str
serial_number:
  description: Serial number of RV(certificate).
  returned: when RV(certificate) is returned
  type: str
private_key:
  description:
    - B(Secret.) The private key (PEM) of a certificate issued in this run, only when O(key_path) is not given.
      The server does not keep it. Set C(no_log) to true on the task.
  returned: when a certificate was issued and O(key_path) is not given
  type: str
files:
  description: Each file after the task (path, whether it exists, mode, owner and group), by kind.
  returned: always
  type: dict
  sample:
    cert: {path: /etc/nginx/tls/www.crt, exists: true, mode: "0644", owner: root, group: nginx}
    key: {path: /etc/nginx/tls/www.key, exists: true, mode: "0640", owner: root, group: nginx}
diff:
  description:
    - The certificate facts and the files before and after. A file's content is a SHA-256 prefix. For the key
      file it is replaced by C(**SECRET**), or by C(**SECRET (changed)**) when a new key is written.
  returned: when diff mode is on
  type: dict
"""

from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import run_resource_module
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._pki_certificate import (
    PkiCertificateResource)

ARGSPEC = dict(
    mount=dict(type="str", default="pki"),
    pki_role=dict(type="str", required=True),
    common_name=dict(type="str"),
    alt_names=dict(type="list", elements="str"),
    ip_sans=dict(type="list", elements="str"),
    uri_sans=dict(type="list", elements="str"),
    exclude_cn_from_sans=dict(type="bool", default=False),
    ttl=dict(type="raw"),
    issuer_ref=dict(type="str"),
    private_key_format=dict(type="str", default="pem", choices=["pem", "pkcs8"], no_log=False),
    cert_path=dict(type="path"),
    key_path=dict(type="path", no_log=False),
    chain_path=dict(type="path"),
    fullchain_path=dict(type="path"),
    cert_mode=dict(type="raw", default="0644"),
    key_mode=dict(type="raw", default="0600", no_log=False),
    owner=dict(type="str"),
    group=dict(type="str"),
    renew_before=dict(type="raw"),
    force=dict(type="bool", default=False),
    revoke=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def main():
    run_resource_module(PkiCertificateResource, ARGSPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
