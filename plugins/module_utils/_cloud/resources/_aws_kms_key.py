# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One customer-managed AWS KMS key, found by alias or key ID: description, enabled, automatic rotation,
key policy, tags, alias, scheduled deletion and its cancellation. Its state is::

    {"aliases": ["alias/app"], "description": "", "enabled": True, "tags": {}, "pending_deletion": False,
     "enable_key_rotation": False,   # only when the task manages rotation
     "policy": {...}}                # only when the task manages the policy
"""

from __future__ import annotations

import copy
import json
import re

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws
from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

SERVICE = "kms"
_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")


def alias_name(value):
    """``alias/<name>`` from ``<name>`` or ``alias/<name>``; ``None`` stays ``None``."""
    if value is None:
        return None
    name = value.strip()
    if not name.startswith("alias/"):
        name = "alias/" + name
    if not _ALIAS.match(name) or len(name) > 256:
        raise OptionError("alias %r is not valid: letters, digits, '/', '_' and '-' only" % value)
    if name.startswith("alias/aws/"):
        raise OptionError("alias %r is reserved for AWS managed keys" % value)
    return name


class AwsKmsKeyResource(Resource):
    kind = "KMS key"
    result_key = "key"

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._meta = None
        self._policy = None

    @property
    def name(self):
        return "KMS key %r" % (self.params.get("alias") or self.params.get("key_id") or "")

    # -- validation ---------------------------------------------------------------------------
    def validate(self):
        p = self.params
        self.alias = alias_name(p.get("alias"))
        self.key_id = (p.get("key_id") or "").strip() or None
        if not self.alias and not self.key_id:
            raise OptionError("give alias (to find or create the key by alias) or key_id (an existing key)")
        days = p.get("pending_window_days")
        if days is not None and not 7 <= days <= 30:
            raise OptionError("pending_window_days must be between 7 and 30 (AWS's limits), got %d" % days)
        self.tags = _aws.validate_tags(p.get("tags"))
        if p.get("policy") is not None:
            self._policy = _aws.parse_policy(p["policy"], "policy")

    # -- read ---------------------------------------------------------------------------------
    def _call(self, method, **kwargs):
        return self.client.call(SERVICE, method, resource=self.key_id or self.alias, **kwargs)

    def read(self):
        body = self._call("describe_key", missing_ok=True, KeyId=self.key_id or self.alias)
        if body is None:
            if self.key_id:
                raise OptionError("%s does not exist; a key is created from its alias, without key_id" % self.name)
            return None
        meta = self._meta = body["KeyMetadata"]
        if meta.get("KeyManager") == "AWS":
            raise OptionError("%s is an AWS managed key; only customer managed keys can be managed" % self.name)
        key = meta["KeyId"]
        state = {
            "aliases": sorted(a["AliasName"] for a in self.client.paginate(
                SERVICE, "list_aliases", "Aliases", resource=self.name, KeyId=key)),
            "description": meta.get("Description") or "",
            "enabled": meta.get("KeyState") == "Enabled",
            "tags": _aws.tags_to_dict(self.client.paginate(SERVICE, "list_resource_tags", "Tags", resource=self.name,
                                                           KeyId=key), "TagKey", "TagValue"),
            "pending_deletion": meta.get("KeyState") == "PendingDeletion",
        }
        if (self.params.get("state") or "present") == "absent":
            return state
        if self.params.get("enable_key_rotation") is not None:
            state["enable_key_rotation"] = self._read_rotation(key)
        if self._policy is not None:
            state["policy"] = self._read_policy(key)
        return state

    def _read_rotation(self, key):
        try:
            return bool(self._call("get_key_rotation_status", KeyId=key).get("KeyRotationEnabled"))
        except _aws.AwsApiError as exc:
            if exc.code in ("KMSInvalidStateException", "UnsupportedOperationException"):
                return None  # pending deletion (or a key type without rotation): unknown until it is usable
            raise

    def _read_policy(self, key):
        text = self._call("get_key_policy", KeyId=key, PolicyName="default").get("Policy")
        return json.loads(text) if text else None

    # -- plan -----------------------------------------------------------------------------------
    def target(self, current, state):
        if state == "absent":
            if current is None or current["pending_deletion"]:
                return current
            return dict(copy.deepcopy(current), pending_deletion=True, enabled=False)
        p = self.params
        base = current or {"aliases": [], "description": "", "enabled": True, "tags": {}, "pending_deletion": False}
        target = copy.deepcopy(base)
        target["pending_deletion"] = False
        if self.alias and self.alias not in target["aliases"]:
            target["aliases"] = sorted(target["aliases"] + [self.alias])
        if p.get("description") is not None:
            target["description"] = p["description"]
        target["enabled"] = bool(p.get("enabled", True))
        target["tags"] = _aws.plan_tags(base["tags"], self.tags, p.get("purge_tags", True))
        if p.get("enable_key_rotation") is not None:
            target["enable_key_rotation"] = bool(p["enable_key_rotation"])
        if self._policy is not None:
            current_policy = base.get("policy")
            same = _aws.canonical_policy(current_policy) == _aws.canonical_policy(self._policy)
            target["policy"] = current_policy if same else self._policy
        return target

    # -- apply ----------------------------------------------------------------------------------
    def apply(self, current, target):
        if current is None:
            return self._create(target)
        key = self._meta["KeyId"]
        steps = []
        if current["pending_deletion"] and not target["pending_deletion"]:
            steps.append(("cancel deletion", lambda: self._cancel_deletion(key, current)))
        if target["enabled"] and not current["enabled"]:
            steps.append(("enable", lambda: self._call("enable_key", KeyId=key)))
        if "enable_key_rotation" in target and target["enable_key_rotation"] != current.get("enable_key_rotation"):
            steps.append(self._rotation_step(key, target["enable_key_rotation"], current))
        if not target["enabled"] and current["enabled"] and not target["pending_deletion"]:
            steps.append(("disable", lambda: self._call("disable_key", KeyId=key)))
        if target["description"] != current["description"]:
            steps.append(("description", lambda: self._call("update_key_description", KeyId=key,
                                                            Description=target["description"])))
        if "policy" in target and target["policy"] != current.get("policy"):
            steps.append(("policy", lambda: self._call("put_key_policy", KeyId=key, PolicyName="default",
                                                       Policy=json.dumps(self._policy))))
        steps += _aws.tag_steps(self._call, {"KeyId": key}, current["tags"], target["tags"], "TagKey", "TagValue")
        if self.alias and self.alias not in current["aliases"]:
            steps.append(("alias %s" % self.alias, lambda: self._set_alias(key)))
        if target["pending_deletion"] and not current["pending_deletion"]:
            window = self.params.get("pending_window_days") or 30
            steps.append(("schedule deletion (%d days)" % window,
                          lambda: self._call("schedule_key_deletion", KeyId=key, PendingWindowInDays=window)))
        self.run_steps(steps)
        return target

    def _create(self, target):
        request = {"Description": target["description"]}
        if self._policy is not None:
            request["Policy"] = json.dumps(self._policy)
        if target["tags"]:
            request["Tags"] = _aws.tags_from_dict(target["tags"], "TagKey", "TagValue")
        self._meta = self._call("create_key", **request)["KeyMetadata"]
        key = self._meta["KeyId"]
        steps = [("create %s" % key, lambda: None), ("alias %s" % self.alias, lambda: self._set_alias(key))]
        if target.get("enable_key_rotation"):
            steps.append(("enable rotation", lambda: self._call("enable_key_rotation", KeyId=key)))
        if not target["enabled"]:
            steps.append(("disable", lambda: self._call("disable_key", KeyId=key)))
        self.run_steps(steps)
        return target

    def _cancel_deletion(self, key, current):
        self._call("cancel_key_deletion", KeyId=key)
        current["enabled"] = False  # AWS leaves a key whose deletion is cancelled disabled
        if "enable_key_rotation" in current:
            current["enable_key_rotation"] = self._read_rotation(key)

    def _rotation_step(self, key, wanted, current):
        def step():
            if current.get("enable_key_rotation") == wanted:  # learnt only after a cancelled deletion
                return
            self._call("enable_key_rotation" if wanted else "disable_key_rotation", KeyId=key)
        return ("%s rotation" % ("enable" if wanted else "disable"), step)

    def _set_alias(self, key):
        try:
            self._call("create_alias", AliasName=self.alias, TargetKeyId=key)
        except _aws.AwsApiError as exc:
            if exc.code != "AlreadyExistsException":
                raise
            self._call("update_alias", AliasName=self.alias, TargetKeyId=key)  # it pointed at another key

    # -- presentation ---------------------------------------------------------------------------
    def present(self, state):
        if state is None:
            return {}
        result = copy.deepcopy(state)
        meta = self._meta or {}
        result["key_id"] = meta.get("KeyId")
        result["arn"] = meta.get("Arn")
        if state.get("pending_deletion") and meta.get("DeletionDate"):
            result["deletion_date"] = str(meta["DeletionDate"])
        return result
