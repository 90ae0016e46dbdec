# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sops
short_description: Decrypt a SOPS-encrypted file, or one value of it
version_added: 0.1.0
description:
  - Decrypts each term, a SOPS-encrypted file, with the C(sops) binary on the controller and returns its plaintext,
    or only the value at O(extract).
  - Relative paths are searched like C(ansible.builtin.file) does (the role's or play's C(files/) directories,
    then the playbook directory).
  - The result is a secret. Set C(no_log=true) on tasks that use it in ways Ansible prints.
  - "To load a whole file as variables, parse it: C(ansible.builtin.set_fact) with
    C(lookup('citadel.secrets.sops', 'secrets.sops.yaml') | from_yaml) (see the examples)."
extends_documentation_fragment:
  - citadel.secrets.sops
  - citadel.secrets.sops.PLUGINS
options:
  _terms:
    description:
      - Paths of the encrypted files.
    type: list
    elements: str
    required: true
  extract:
    description:
      - Return only this value or subtree. Either a dotted path (C(db.password), C(servers[0].name),
        C(["key.with.dots"].x)), a list of keys and list indices (C([servers, 0, name])), or sops's own syntax
        (C(["db"]["password"])).
      - A scalar is returned as its plain text; a subtree in O(output_type).
    type: raw
  input_type:
    description:
      - Format of the encrypted file. Defaults to what sops infers from the file name (C(.yaml)/C(.yml), C(.json),
        C(.env), anything else binary).
    type: str
    choices: [yaml, json, dotenv, binary]
  output_type:
    description:
      - Format of the returned plaintext. Defaults to O(input_type).
    type: str
    choices: [yaml, json, dotenv, binary]
  rstrip:
    description:
      - Remove trailing whitespace (such as the final newline) from the result.
    type: bool
    default: true
  base64:
    description:
      - Return the plaintext base64-encoded, for binary content that is not text. O(rstrip) does not apply then.
    type: bool
    default: false
  on_missing:
    description:
      - What to do when a file is not found, or when O(extract) names a key or index the file does not have.
      - V(error) fails the task, V(warn) warns and leaves the term out of the result, V(skip) leaves it out silently.
    type: str
    choices: [error, warn, skip]
    default: error
seealso:
  - module: citadel.secrets.sops_file
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: One value of an encrypted YAML file
  ansible.builtin.set_fact:
    db_password: "{{ lookup('citadel.secrets.sops', 'secrets/db.sops.yaml', extract='db.password') }}"
  no_log: true

- name: Load a whole encrypted file as variables
  ansible.builtin.set_fact:
    app_secrets: "{{ lookup('citadel.secrets.sops', 'secrets/app.sops.yaml') | from_yaml }}"
  no_log: true

- name: A dotenv file as a dictionary
  ansible.builtin.set_fact:
    app_env: "{{ lookup('citadel.secrets.sops', 'app.env', output_type='json') | from_json }}"
  no_log: true

- name: A binary keystore, copied to the host without ever being written in clear on the controller
  ansible.builtin.copy:
    content: "{{ lookup('citadel.secrets.sops', 'keystore.p12.sops', base64=true) | b64decode }}"
    dest: /etc/app/keystore.p12
    mode: "0600"
  no_log: true

- name: Decrypt with an age identity held in another variable
  ansible.builtin.debug:
    msg: "{{ lookup('citadel.secrets.sops', 'ci.sops.yaml', extract=['ci', 'user'], age_key=ci_age_identity) }}"
"""

RETURN = r"""
_raw:
  description: The plaintext of each file (or of the extracted value), one string per term.
  type: list
  elements: str
"""

import base64 as b64

from ansible_collections.citadel.secrets.plugins.module_utils import _sops
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import CitadelLookupBase, Missing

COMMON = ("sops_binary", "age_key", "age_key_file", "vault_token")


class LookupModule(CitadelLookupBase):
    def run(self, terms, variables=None, **kwargs):
        self._variables = variables
        return super().run(terms, variables, **kwargs)

    def prepare(self):
        options = self.options(COMMON + ("extract", "input_type", "output_type", "rstrip", "base64"))
        extract = options["extract"]
        options["extract"] = _sops.to_sops_path(extract) if extract not in (None, "", []) else None
        return _sops.Sops.from_options(options), options

    def lookup_term(self, context, term):
        sops, options = context
        path = self.find_file_in_search_path(self._variables, "files", term, ignore_missing=True)
        if not path:
            raise Missing("%s not found in the files search path" % term)
        input_type = options["input_type"] or _sops.format_for_path(path)
        output_type = options["output_type"] or input_type
        if input_type == "binary" and output_type != "binary" or output_type == "binary" and input_type != "binary":
            raise OptionError("output_type %s cannot be made from input_type %s" % (output_type, input_type))
        try:
            raw = sops.decrypt(path, input_type, output_type, options["extract"])
        except _sops.PathNotFound:
            raise Missing("%s has no value at %s" % (term, options["extract"]))
        if options["base64"]:
            return [b64.b64encode(raw).decode("ascii")]
        text = raw.decode("utf-8", "replace")
        return [text.rstrip() if options["rstrip"] else text]
