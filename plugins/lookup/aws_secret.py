# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: aws_secret
short_description: Read secrets from AWS Secrets Manager
version_added: 0.1.0
description:
  - Returns the value of one or more AWS Secrets Manager secrets, a key inside a JSON secret (O(nested)), or every
    secret whose name starts with a prefix (O(bypath)).
  - Resolves credentials once per run and set of connection options. Temporary credentials that take a call to
    obtain (an assume-role profile, web identity, SSO, container or instance roles) are shared by every task and
    worker process of the run through a private in-memory cache that is deleted when the run ends.
  - The returned values are secrets. Set C(no_log=true) on tasks that use them in ways Ansible prints.
extends_documentation_fragment:
  - citadel.secrets.aws
  - citadel.secrets.aws.PLUGINS
  - citadel.secrets.lookup_errors
options:
  _terms:
    description:
      - Names or ARNs of the secrets.
      - With O(nested=true), C(<name>.<key>[.<key>...]), a path into the secret's JSON value.
      - With O(bypath=true), name prefixes.
    type: list
    elements: str
    required: true
  version_stage:
    description:
      - Staging label of the version to read, for example V(AWSPREVIOUS) or V(AWSPENDING). Defaults to V(AWSCURRENT).
      - Mutually exclusive with O(version_id).
    type: str
  version_id:
    description:
      - ID of the version to read. Mutually exclusive with O(version_stage).
    type: str
  nested:
    description:
      - Treat each term as C(<name>.<key path>). The lookup reads the secret C(<name>), parses its value as JSON and
        returns the value at the dotted key path, for example V(prod/app/db.password) or V(app.db.replica.host).
      - The secret name ends at the first dot, so names containing dots cannot be used this way.
      - A key that is not there counts as missing (see O(on_missing)).
    type: bool
    default: false
  bypath:
    description:
      - Treat each term as a name prefix and return, for each term, a dictionary of every matching secret's name and
        value. Secrets scheduled for deletion are not listed.
      - Cannot be combined with O(nested), O(version_id) or O(version_stage).
    type: bool
    default: false
  on_deleted:
    description:
      - What to do when a secret is scheduled for deletion.
      - V(error) fails the task, V(warn) warns and leaves the term out of the result, V(skip) leaves it out silently.
    type: str
    choices: [error, warn, skip]
    default: error
notes:
  - The identity needs C(secretsmanager:GetSecretValue) on the secrets (and C(kms:Decrypt) on their keys when they
    use a customer managed key), and C(secretsmanager:ListSecrets) for O(bypath).
  - A secret stored as binary is returned base64-encoded.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: A whole secret, parsed when it is JSON
  ansible.builtin.set_fact:
    db: "{{ lookup('citadel.secrets.aws_secret', 'prod/app/db') | from_json }}"
  no_log: true

- name: One key of a JSON secret, in another region
  ansible.builtin.template:
    src: app.conf.j2
    dest: /etc/app/app.conf
    mode: "0600"
  vars:
    db_password: "{{ lookup('citadel.secrets.aws_secret', 'prod/app/db.password', nested=true, region='eu-west-1') }}"

- name: The previous version
  ansible.builtin.set_fact:
    old_key: "{{ lookup('citadel.secrets.aws_secret', 'prod/app/api-key', version_stage='AWSPREVIOUS') }}"
  no_log: true

- name: Every secret under a prefix, as a name-to-value dictionary
  ansible.builtin.set_fact:
    app_secrets: "{{ lookup('citadel.secrets.aws_secret', 'prod/app/', bypath=true) }}"
  no_log: true

- name: Several secrets, skipping missing ones and ones the role may not read
  ansible.builtin.set_fact:
    tokens: "{{ query('citadel.secrets.aws_secret', 'ci/token-a', 'ci/token-b', on_missing='skip', on_denied='warn') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One element per term found. The secret's value (a string, as stored), the value at the key path with
      O(nested=true), or with O(bypath=true) a dictionary of secret names and values.
  type: list
  elements: raw
"""

import base64
import json

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.plugin_utils._aws_lookup import AwsLookupBase
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import Deleted, Missing


def _is_deletion_error(exc):
    text = exc.msg.lower()
    return exc.code == "InvalidRequestException" and ("deleted" in text or "deletion" in text)


class LookupModule(AwsLookupBase):
    def prepare(self):
        if self.get_option("version_id") and self.get_option("version_stage"):
            raise OptionError("version_id and version_stage are mutually exclusive")
        if self.get_option("bypath") and (self.get_option("nested") or self.get_option("version_id")
                                          or self.get_option("version_stage")):
            raise OptionError("bypath cannot be combined with nested, version_id or version_stage")
        return super().prepare()

    def lookup_term(self, context, term):
        session = context
        term = (term or "").strip()
        if not term:
            raise OptionError("empty secret name")
        if self.get_option("bypath"):
            return [self._by_path(session, term)]
        if self.get_option("nested"):
            name, dot, path = term.partition(".")
            if not dot or not name or not path:
                raise OptionError("with nested=true a term is <name>.<key path>, got %r" % term)
            return [self._walk(name, self._read(session, name), path.split("."))]
        return [self._read(session, term)]

    def _read(self, session, name):
        request = {"SecretId": name}
        if self.get_option("version_id"):
            request["VersionId"] = self.get_option("version_id")
        if self.get_option("version_stage"):
            request["VersionStage"] = self.get_option("version_stage")
        try:
            body = session.call("secretsmanager", "get_secret_value", resource=name, **request)
        except _aws.AwsApiError as exc:
            if exc.status == 404:
                which = request.get("VersionId") or request.get("VersionStage")
                raise Missing("no secret %r%s in %s" % (name, " version %s" % which if which else "", session.region))
            if _is_deletion_error(exc):
                raise Deleted("secret %r is scheduled for deletion" % name)
            raise
        if body.get("SecretString") is not None:
            return body["SecretString"]
        if body.get("SecretBinary") is not None:
            return base64.b64encode(body["SecretBinary"]).decode("ascii")
        raise Missing("secret %r has no value" % name)

    @staticmethod
    def _walk(name, value, keys):
        try:
            node = json.loads(value)
        except ValueError:
            raise CitadelError("secret %r is not JSON, so nested=true cannot look a key up in it" % name)
        walked = []
        for key in keys:
            walked.append(key)
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise Missing("secret %r has no key %s" % (name, ".".join(walked)))
        return node

    def _by_path(self, session, prefix):
        found = session.paginate("secretsmanager", "list_secrets", "SecretList", resource=prefix,
                                 Filters=[{"Key": "name", "Values": [prefix]}])
        result = {}
        for entry in sorted(found, key=lambda e: e["Name"]):
            if not entry["Name"].startswith(prefix) or entry.get("DeletedDate"):
                continue
            try:
                result[entry["Name"]] = self._read(session, entry["ARN"])
            except Missing:
                continue  # a secret without a value: nothing to return
        if not result:
            raise Missing("no secret whose name starts with %r in %s" % (prefix, session.region))
        return result
