# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options shared by every Vault module and lookup (module_utils/_vault/_connection.py).
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Address of the Vault or OpenBao server, for example C(https://vault.example.com:8200).
      - Falls back to the E(VAULT_ADDR) then E(BAO_ADDR) environment variables.
    type: str
  namespace:
    description:
      - Namespace to operate in (Vault Enterprise and OpenBao namespaces). Falls back to E(VAULT_NAMESPACE).
    type: str
  ca_cert:
    description:
      - Path to a PEM bundle of the CA that signed the server certificate. Falls back to E(VAULT_CACERT).
      - Without it the system trust store is used (E(SSL_CERT_FILE) and E(SSL_CERT_DIR) are honoured).
    type: path
    aliases: [cacert]
  client_cert:
    description:
      - Path to a PEM client certificate presented to the server (mutual TLS, and the V(cert) auth method).
      - Falls back to E(VAULT_CLIENT_CERT).
    type: path
  client_key:
    description:
      - Path to the PEM private key of O(client_cert). Falls back to E(VAULT_CLIENT_KEY).
    type: path
  validate_certs:
    description:
      - Verify the server's TLS certificate. Defaults to V(true); E(VAULT_SKIP_VERIFY) set to a true value
        turns it off when the option is not given.
    type: bool
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried on connection errors and on HTTP 412, 500, 502 and 503 (which
        includes a sealed node), with exponential backoff and jitter. HTTP 429 is retried only when the server
        sends C(Retry-After).
    type: int
    default: 3
  proxies:
    description:
      - "Proxy URLs by scheme (V(http), V(https) or V(all)), for example C({'https': 'http://user:pass@proxy:3128'}).
        HTTPS requests are tunnelled through the proxy with C(CONNECT); the proxy itself is reached over
        plain HTTP."
      - When not given, the E(https_proxy), E(http_proxy), E(all_proxy) and E(no_proxy) environment variables
        apply.
    type: dict
"""

    PLUGINS = r"""
options:
  url:
    env:
      - name: VAULT_ADDR
      - name: BAO_ADDR
    ini:
      - section: citadel_vault
        key: url
    vars:
      - name: citadel_vault_url
  namespace:
    env:
      - name: VAULT_NAMESPACE
      - name: BAO_NAMESPACE
    ini:
      - section: citadel_vault
        key: namespace
    vars:
      - name: citadel_vault_namespace
  ca_cert:
    env:
      - name: VAULT_CACERT
      - name: BAO_CACERT
    ini:
      - section: citadel_vault
        key: ca_cert
    vars:
      - name: citadel_vault_ca_cert
  client_cert:
    env:
      - name: VAULT_CLIENT_CERT
    ini:
      - section: citadel_vault
        key: client_cert
    vars:
      - name: citadel_vault_client_cert
  client_key:
    env:
      - name: VAULT_CLIENT_KEY
    ini:
      - section: citadel_vault
        key: client_key
    vars:
      - name: citadel_vault_client_key
  validate_certs:
    ini:
      - section: citadel_vault
        key: validate_certs
    vars:
      - name: citadel_vault_validate_certs
  timeout:
    ini:
      - section: citadel_vault
        key: timeout
    vars:
      - name: citadel_vault_timeout
  retries:
    ini:
      - section: citadel_vault
        key: retries
    vars:
      - name: citadel_vault_retries
  proxies:
    vars:
      - name: citadel_vault_proxies
"""
