#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sops_file
short_description: Write a SOPS-encrypted YAML, JSON, dotenv or binary file
version_added: 0.1.0
description:
  - Writes O(content) or O(data) to O(path) encrypted with L(SOPS,https://getsops.io/), for age, Vault or
    OpenBao transit, AWS KMS, GCP KMS, Azure Key Vault or PGP recipients, or for the recipients of the
    matching rule of the repository's C(.sops.yaml).
  - Idempotent on the decrypted content. An existing file is decrypted and its data compared with the wanted
    data (parsed, so formatting, key order of JSON and comments do not count), together with its recipients and
    encryption settings from the file's C(sops) metadata. The file is re-encrypted (with a new data key) when
    any of them differs, and only then.
  - Without O(content) and O(data) an existing file keeps its content; the task then only brings its recipients
    and settings in line (what C(sops updatekeys) does) or, with O(rotate=true), gives it a new data key.
  - Runs on the host where the file lives (usually C(delegate_to=localhost) for a file in a Git checkout) and
    needs the C(sops) binary there, plus the keys to decrypt the existing file.
extends_documentation_fragment:
  - citadel.secrets.sops
  - citadel.secrets.attributes
  - ansible.builtin.files
options:
  path:
    description:
      - The encrypted file. Its directory must exist.
    type: path
    required: true
    aliases: [dest]
  state:
    description:
      - V(present) writes the file when its content, recipients or settings differ; V(absent) removes it
        (without decrypting it).
    type: str
    choices: [present, absent]
    default: present
  content:
    description:
      - The plaintext, in the format given by O(input_type). Mutually exclusive with O(data).
      - For YAML, values are read as sops reads them (YAML 1.2 booleans, so V(yes) stays a string).
    type: str
  data:
    description:
      - The plaintext as a mapping, written in the format of O(output_type). For dotenv files it must be flat;
        values are written as strings.
    type: dict
  input_type:
    description:
      - Format of O(content). Defaults to O(output_type). V(binary) content makes binary files only.
    type: str
    choices: [yaml, json, dotenv, binary]
  output_type:
    description:
      - Format of the encrypted file. Defaults to what sops infers from the file name (C(.yaml)/C(.yml),
        C(.json), C(.env), anything else binary).
    type: str
    choices: [yaml, json, dotenv, binary]
  age:
    description:
      - age recipients (C(age1...) public keys).
    type: list
    elements: str
  hc_vault_transit_uri:
    description:
      - Vault or OpenBao transit keys, as URIs C(<address>/v1/<transit mount>/keys/<key name>), for example
        C(https://vault.example.com:8200/v1/transit/keys/sops). The token comes from O(vault_token) or sops's
        defaults.
    type: list
    elements: str
    aliases: [hc_vault_transit]
  kms:
    description:
      - AWS KMS key ARNs, optionally C(<arn>+<role arn>) to assume a role.
      - sops uses the AWS SDK's usual credentials, region and endpoint settings from the environment
        (E(AWS_PROFILE), E(AWS_ACCESS_KEY_ID), E(AWS_ENDPOINT_URL) or E(AWS_ENDPOINT_URL_KMS), ...); set them
        with the task's C(environment) keyword.
    type: list
    elements: str
  aws_profile:
    description:
      - AWS profile sops uses for O(kms) (stored in the file's metadata by sops).
    type: str
  gcp_kms:
    description:
      - GCP KMS key resource IDs (C(projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)).
    type: list
    elements: str
  azure_kv:
    description:
      - Azure Key Vault key URLs (C(https://<vault>.vault.azure.net/keys/<name>/<version>)).
    type: list
    elements: str
  pgp:
    description:
      - PGP key fingerprints.
    type: list
    elements: str
  config_path:
    description:
      - The C(.sops.yaml) whose creation rules give recipients and settings; its C(path_regex) is matched
        against O(path) relative to the directory of this file.
      - When no recipient option is given and this is not set, the nearest C(.sops.yaml) in the directory of
        O(path) or above is used. When recipient options are given, no C(.sops.yaml) is used unless set here.
      - When neither recipients nor a C(.sops.yaml) are found, an existing file keeps its own recipients and a
        new file is refused.
    type: path
  encrypted_regex:
    description:
      - Encrypt only the values of keys matching this regular expression. At most one of O(encrypted_regex),
        O(unencrypted_regex), O(encrypted_suffix), O(unencrypted_suffix), O(encrypted_comment_regex) and
        O(unencrypted_comment_regex) may be set.
    type: str
  unencrypted_regex:
    description:
      - Leave the values of keys matching this regular expression in clear text.
    type: str
  encrypted_suffix:
    description:
      - Encrypt only the values of keys ending with this suffix.
    type: str
  unencrypted_suffix:
    description:
      - Leave the values of keys ending with this suffix in clear text (sops's default is C(_unencrypted)).
    type: str
  encrypted_comment_regex:
    description:
      - Encrypt only the values whose preceding YAML comment matches this regular expression.
    type: str
  unencrypted_comment_regex:
    description:
      - Leave in clear text the values whose preceding YAML comment matches this regular expression.
    type: str
  rotate:
    description:
      - Re-encrypt the file with a new data key even when nothing else differs. Always reports a change.
    type: bool
    default: false
notes:
  - The decrypted data is compared, never shown; the diff and the result show the key names with every value
    replaced by a marker, and the recipients and settings (which are not secret).
  - YAML comments are encrypted with the file but are not compared, so a change of comments alone does not
    rewrite the file.
  - The new file is written next to the old one and moved into place, so the file is never half-written.
    A new file gets the default permissions (umask), unless O(mode) says otherwise.
  - Vault and OpenBao transit engines work the same; sops talks to either through the Vault API.
seealso:
  - plugin: citadel.secrets.sops
    plugin_type: lookup
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Database credentials, encrypted for two age recipients
  citadel.secrets.sops_file:
    path: "{{ playbook_dir }}/secrets/db.sops.yaml"
    data:
      username: app
      password: "{{ db_password }}"
    age:
      - age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
      - age1lggyhqrw2nlhcxprm70qm5yqkv4a2mfnqamwzdwsqx43n4aq7ymqz4vqvv
    mode: "0640"
  delegate_to: localhost
  no_log: true

- name: Encrypt with the recipients of the repository's .sops.yaml creation rules
  citadel.secrets.sops_file:
    path: "{{ playbook_dir }}/secrets/prod/app.env"
    content: |
      API_KEY={{ api_key }}
      LOG_LEVEL=info
  delegate_to: localhost
  no_log: true

- name: Only the password is encrypted, for an OpenBao transit key
  citadel.secrets.sops_file:
    path: "{{ playbook_dir }}/group_vars/all/app.sops.yaml"
    data:
      app_user: app
      app_password: "{{ app_password }}"
    encrypted_regex: "_password$"
    hc_vault_transit_uri:
      - https://bao.example.com:8200/v1/transit/keys/sops
  delegate_to: localhost
  no_log: true

- name: Give the file a new data key, keeping its content and recipients
  citadel.secrets.sops_file:
    path: "{{ playbook_dir }}/secrets/db.sops.yaml"
    rotate: true
  delegate_to: localhost
"""

RETURN = r"""
file:
  description: The file after the task (empty when absent). Values are masked.
  returned: always
  type: dict
  contains:
    path:
      description: Path of the file.
      type: str
      returned: when the file exists
    format:
      description: Format of the file (C(yaml), C(json), C(dotenv) or C(binary)).
      type: str
      returned: when the file exists
    data:
      description:
        - Every value of the file by its path (C(db.password), C(servers[0].name)), each replaced by a marker;
          C(content) for binary files.
      type: dict
      returned: when the file exists
    recipients:
      description: Recipients by kind (C(age), C(hc_vault_transit_uri), C(kms), C(gcp_kms), C(azure_kv), C(pgp)).
      type: dict
      returned: when the file exists
      sample: {age: [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]}
    settings:
      description: Encryption settings from the file's metadata (C(encrypted_regex), C(unencrypted_suffix), ...).
      type: dict
      returned: when the file exists
"""

from ansible_collections.citadel.secrets.plugins.module_utils._sops import SETTINGS
from ansible_collections.citadel.secrets.plugins.module_utils._sops_file import run_sops_file_module

ARGSPEC = dict(
    path=dict(type="path", required=True, aliases=["dest"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    content=dict(type="str", no_log=True),
    data=dict(type="dict", no_log=True),
    input_type=dict(type="str", choices=["yaml", "json", "dotenv", "binary"]),
    output_type=dict(type="str", choices=["yaml", "json", "dotenv", "binary"]),
    age=dict(type="list", elements="str"),
    hc_vault_transit_uri=dict(type="list", elements="str", aliases=["hc_vault_transit"]),
    kms=dict(type="list", elements="str"),
    aws_profile=dict(type="str"),
    gcp_kms=dict(type="list", elements="str"),
    azure_kv=dict(type="list", elements="str"),
    pgp=dict(type="list", elements="str"),
    config_path=dict(type="path"),
    encrypted_regex=dict(type="str"),
    unencrypted_regex=dict(type="str"),
    encrypted_suffix=dict(type="str"),
    unencrypted_suffix=dict(type="str"),
    encrypted_comment_regex=dict(type="str"),
    unencrypted_comment_regex=dict(type="str"),
    rotate=dict(type="bool", default=False),
)


def main():
    run_sops_file_module(ARGSPEC, mutually_exclusive=[("content", "data"), SETTINGS], supports_check_mode=True)


if __name__ == "__main__":
    main()
