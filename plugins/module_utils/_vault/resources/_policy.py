# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACL policies at ``sys/policies/acl/<name>``.

Text is compared after normalising line endings and trailing whitespace, which is all the server changes
when it stores a policy. A cheap structural check (balanced braces, brackets and quotes, or valid JSON)
rejects a malformed document before any request; the server's parser has the final word.
"""

from __future__ import annotations

import json
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

PROTECTED = {"root": "cannot be modified or deleted", "default": "cannot be deleted"}


def normalise(text):
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def check_syntax(text, name):
    """Raise OptionError for a document that cannot be HCL or JSON."""
    stripped = text.strip()
    if not stripped:
        raise OptionError("policy %r: rules are empty" % name)
    if stripped.startswith("{"):
        try:
            json.loads(stripped)
            return
        except ValueError as exc:
            raise OptionError("policy %r: rules look like JSON but do not parse: %s" % (name, exc))
    stack, line_no, in_string, escaped, in_comment = [], 1, False, False, False
    pairs = {"}": "{", "]": "["}
    for index, char in enumerate(text):
        if char == "\n":
            line_no += 1
            in_comment = False
            if in_string:
                raise OptionError("policy %r: unterminated string on line %d" % (name, line_no - 1))
            continue
        if in_comment:
            continue
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "#" or text.startswith("//", index):
            in_comment = True
        elif char in "{[":
            stack.append((char, line_no))
        elif char in "}]":
            if not stack or stack[-1][0] != pairs[char]:
                raise OptionError("policy %r: unexpected %r on line %d" % (name, char, line_no))
            stack.pop()
    if in_string:
        raise OptionError("policy %r: unterminated string at the end of the rules" % name)
    if stack:
        raise OptionError("policy %r: %r opened on line %d is never closed" % (name, stack[-1][0], stack[-1][1]))
    if not re.search(r"\b(path|name)\b", text):
        raise OptionError("policy %r: rules contain no path stanza" % name)


class PolicyResource(Resource):
    kind = "policy"
    result_key = "policy"
    #: options of citadel.secrets.vault_policy (and of a ``policies`` entry of citadel.secrets.vault_config)
    argspec = dict(
        name=dict(type="str", required=True),
        rules=dict(type="str"),
        rules_file=dict(type="path"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = dict(mutually_exclusive=[("rules", "rules_file")])

    @property
    def name(self):
        return "policy %r" % self.params["name"]

    @property
    def path(self):
        return "sys/policies/acl/%s" % self.params["name"]

    def validate(self):
        name, state = self.params["name"], self.params.get("state", "present")
        if name == "root" or (name == "default" and state == "absent"):
            raise OptionError("policy %r %s" % (name, PROTECTED[name]))
        if state == "present":
            rules = self.params.get("rules")
            if rules is None:
                path = self.params.get("rules_file")
                if not path:
                    raise OptionError("state=present needs rules or rules_file")
                try:
                    with open(path) as handle:
                        rules = handle.read()
                except OSError as exc:
                    raise OptionError("rules_file %s cannot be read: %s" % (path, exc.strerror))
            check_syntax(rules, name)
            self._rules = normalise(rules)

    def read(self):
        body = self.client.read(self.path)
        if body is None:
            return None
        data = body.get("data") or body
        return {"name": data.get("name", self.params["name"]), "rules": normalise(data.get("policy") or "")}

    def desired(self):
        return {"name": self.params["name"], "rules": self._rules}

    def create(self, target):
        self.client.write(self.path, {"policy": target["rules"]}, method="PUT")

    def update(self, current, target, delta):
        self.create(target)  # a policy is always written whole

    def delete(self, current):
        self.client.delete(self.path)


def read_policies(client, params):
    """For vault_policy_info: one policy's rules, or the names of all."""
    if params.get("name"):
        resource = PolicyResource({"name": params["name"]}, client)
        policy = resource.read()
        return {"exists": policy is not None, "policy": policy or {}}
    return {"policies": sorted(client.list("sys/policies/acl"))}
