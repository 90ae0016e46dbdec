# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One AWS Secrets Manager secret: value, description, KMS key, tags, resource policy, replicas, rotation,
deletion and restore. Its state is::

    {"description": "", "kms_key_id": None, "tags": {}, "pending_deletion": False,
     "replica_regions": {"eu-west-1": "alias/aws/secretsmanager", ...},   # a set of regions, not a list
     "rotation": {"enabled": False, "lambda_arn": None, "schedule": None},
     "resource_policy": {...} or None,     # only when the task manages the policy
     "secret": "..." or {...}}             # only when the task manages the value; masked everywhere

An option the task does not give is left as it is: an omitted ``resource_policy`` never deletes a policy,
omitted ``tags`` or ``replica_regions`` never remove any. The value is read (``GetSecretValue``) and
compared in this process only; it is never part of a result, and diffs show a marker instead.
"""

from __future__ import annotations

import copy
import json
import re

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource

SERVICE = "secretsmanager"
DEFAULT_KMS = "alias/aws/secretsmanager"
_REGION = re.compile(r"^[a-z]{2,}(-[a-z]+)+-\d+$")
_RATE = re.compile(r"^rate\((\d+) (day|days|hour|hours)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_BINARY = "<binary>"  # stands for a SecretBinary current value, which never equals a string or dict


def parse_schedule(value, option="rotation_schedule"):
    """Normalise a rotation schedule: a number of days (``rate(N days)`` included) becomes ``int`` N;
    ``rate(N hours)`` and ``cron(...)`` expressions become their canonical text. ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise OptionError("%s: expected a number of days or a rate()/cron() expression, got %r" % (option, value))
    text = " ".join(str(value).split())
    if isinstance(value, int) or text.isdigit():
        days = int(value) if isinstance(value, int) else int(text)
        if not 1 <= days <= 1000:
            raise OptionError("%s: a number of days must be between 1 and 1000, got %d" % (option, days))
        return days
    text = text.replace("( ", "(").replace(" )", ")")
    match = _RATE.match(text)
    if match:
        number, unit = int(match.group(1)), match.group(2)
        if unit.startswith("day"):
            return parse_schedule(number, option)
        if not 4 <= number <= 24000:
            raise OptionError("%s: rate() in hours must be at least 4 hours, got %r" % (option, value))
        return "rate(%d hours)" % number
    match = _CRON.match(text)
    if match:
        fields = match.group(1).split()
        if len(fields) != 6:
            raise OptionError("%s: a cron() expression has 6 fields (minutes hours day-of-month month day-of-week "
                              "year), got %d in %r" % (option, len(fields), value))
        return "cron(%s)" % " ".join(fields)
    raise OptionError("%s: %r is not a schedule: give a number of days (1-1000), rate(N days), rate(N hours) or a "
                      "cron() expression such as cron(0 4 ? * SUN *)" % (option, value))


def schedule_request(schedule):
    """``RotationRules`` for a normalised schedule."""
    if isinstance(schedule, int):
        return {"AutomaticallyAfterDays": schedule}
    return {"ScheduleExpression": schedule}


def parse_replicas(value):
    """``replica_regions`` as ``{region: kms_key_id or None}`` (``None``: keep or use the default key)."""
    if value is None:
        return None
    result = {}
    for item in value:
        if isinstance(item, str):
            region, kms = item.strip(), None
        elif isinstance(item, dict):
            unknown = sorted(set(item) - {"region", "kms_key_id"})
            if unknown:
                raise OptionError("replica_regions: unknown key(s) %s (use region and kms_key_id)" % ", ".join(unknown))
            region, kms = str(item.get("region") or "").strip(), item.get("kms_key_id") or None
        else:
            raise OptionError("replica_regions: each item is a region name or a dict with region and kms_key_id")
        if not _REGION.match(region):
            raise OptionError("replica_regions: %r is not an AWS region name" % region)
        if region in result:
            raise OptionError("replica_regions: %s is listed twice" % region)
        result[region] = kms
    return result


def secret_state(describe, region):
    """The compared state (without policy and value) from a ``DescribeSecret`` answer."""
    rules = describe.get("RotationRules") or {}
    expression = rules.get("ScheduleExpression")
    schedule = parse_schedule(expression) if expression else (rules.get("AutomaticallyAfterDays") or None)
    replicas = {r["Region"]: r.get("KmsKeyId") or DEFAULT_KMS for r in describe.get("ReplicationStatus") or ()
                if r.get("Region") and r.get("Region") != region}
    return {
        "description": describe.get("Description") or "",
        "kms_key_id": describe.get("KmsKeyId") or None,
        "tags": _aws.tags_to_dict(describe.get("Tags")),
        "replica_regions": replicas,
        "rotation": {"enabled": bool(describe.get("RotationEnabled")),
                     "lambda_arn": describe.get("RotationLambdaARN") or None, "schedule": schedule},
        "pending_deletion": bool(describe.get("DeletedDate")),
    }


class AwsSecretResource(Resource):
    kind = "AWS secret"
    result_key = "secret"
    secret_paths = ("secret",)

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._describe = None
        self._value = None          # the desired value (str or dict) when the task manages it
        self._policy = None         # the desired policy as given (dict) when the task manages it

    @property
    def name(self):
        return "AWS secret %r" % (self.params.get("name") or "")

    # -- validation ---------------------------------------------------------------------------
    def validate(self):
        p = self.params
        if not (p.get("name") or "").strip():
            raise OptionError("name is required and cannot be empty")
        self.secret_id = p["name"].strip()
        if p.get("secret") is not None and p.get("json_secret") is not None:
            raise OptionError("secret and json_secret are mutually exclusive: give the value as a string or as a dict")
        if p.get("secret") is not None:
            self._value = p["secret"]
        elif p.get("json_secret") is not None:
            if not isinstance(p["json_secret"], dict):
                raise OptionError("json_secret must be a dict")
            try:
                self._value = json.loads(json.dumps(p["json_secret"]))
            except (TypeError, ValueError):
                raise OptionError("json_secret: every value must be a JSON type (string, number, boolean, null, list "
                                  "or dict)")
        if p.get("recovery_window_days") is not None:
            days = p["recovery_window_days"]
            if not 7 <= days <= 30:
                raise OptionError("recovery_window_days must be between 7 and 30 (AWS's limits), got %d" % days)
            if p.get("force_delete"):
                raise OptionError("recovery_window_days and force_delete are mutually exclusive: force_delete deletes "
                                  "at once, without a recovery window")
        self.tags = _aws.validate_tags(p.get("tags"))
        if p.get("resource_policy") is not None:
            policy = p["resource_policy"]
            self._policy = {} if policy in ("", {}) else _aws.parse_policy(policy, "resource_policy")
        self.replicas = parse_replicas(p.get("replica_regions"))
        self.schedule = parse_schedule(p.get("rotation_schedule"))
        lambda_arn = p.get("rotation_lambda_arn")
        if lambda_arn is not None and not lambda_arn.startswith("arn:"):
            raise OptionError("rotation_lambda_arn must be a Lambda function ARN (arn:aws:lambda:...), got %r"
                              % lambda_arn)
        if p.get("rotation_enabled") is False and (lambda_arn or self.schedule is not None):
            raise OptionError("rotation_enabled=false turns rotation off; it cannot be combined with "
                              "rotation_lambda_arn or rotation_schedule")
        if p.get("kms_key_id") is not None and not p["kms_key_id"].strip():
            raise OptionError("kms_key_id cannot be empty (omit it to keep the current key)")

    # -- read ---------------------------------------------------------------------------------
    def _call(self, method, **kwargs):
        return self.client.call(SERVICE, method, resource=self.secret_id, **kwargs)

    def read(self):
        describe = self._call("describe_secret", missing_ok=True, SecretId=self.secret_id)
        self._describe = describe
        if describe is None:
            return None
        primary = describe.get("PrimaryRegion")
        if primary and primary != self.client.region:
            raise OptionError("%s in %s is a replica of the secret in %s; manage it in its primary region"
                              % (self.name, self.client.region, primary))
        state = secret_state(describe, self.client.region)
        if (self.params.get("state") or "present") == "absent":
            return state
        if self._policy is not None:
            state["resource_policy"] = self._read_policy() if not state["pending_deletion"] else None
        if self._value is not None:
            state["secret"] = self._read_value() if not state["pending_deletion"] else None
        return state

    def _read_policy(self):
        body = self._call("get_resource_policy", SecretId=self.secret_id)
        text = body.get("ResourcePolicy")
        return json.loads(text) if text else None

    def _read_value(self):
        body = self._call("get_secret_value", missing_ok=True, SecretId=self.secret_id)
        if body is None:
            return None  # a secret without any version
        if body.get("SecretString") is None:
            return _BINARY if body.get("SecretBinary") is not None else None
        current = body["SecretString"]
        if isinstance(self._value, dict):
            try:
                parsed = json.loads(current)
            except ValueError:
                return current
            return parsed if isinstance(parsed, dict) else current
        return current

    # -- plan -----------------------------------------------------------------------------------
    def target(self, current, state):
        if state == "absent":
            if current is None or self.params.get("force_delete"):
                return None
            if current["pending_deletion"]:
                return current
            target = copy.deepcopy(current)
            target["pending_deletion"] = True
            target["replica_regions"] = {}  # AWS deletes a primary only once its replicas are removed
            return target
        base = current or {
            "description": "", "kms_key_id": None, "tags": {}, "replica_regions": {}, "pending_deletion": False,
            "rotation": {"enabled": False, "lambda_arn": None, "schedule": None}}
        if current is None and self.secret_id.startswith("arn:"):
            raise OptionError("%s does not exist; a new secret is created by name, not by ARN" % self.name)
        target = copy.deepcopy(base)
        target["pending_deletion"] = False
        p = self.params
        if p.get("description") is not None:
            target["description"] = p["description"]
        if p.get("kms_key_id") is not None:
            target["kms_key_id"] = self._same_key(base["kms_key_id"], p["kms_key_id"].strip())
        target["tags"] = _aws.plan_tags(base["tags"], self.tags, p.get("purge_tags", True))
        if self.replicas is not None:
            kept = {} if p.get("purge_replica_regions", True) else dict(base["replica_regions"])
            for region, kms in self.replicas.items():
                if kms is None:
                    kms = base["replica_regions"].get(region) or DEFAULT_KMS
                elif region in base["replica_regions"]:
                    kms = self._same_key(base["replica_regions"][region], kms, region)
                kept[region] = kms
            target["replica_regions"] = kept
        target["rotation"] = self._target_rotation(base["rotation"])
        if self._policy is not None:
            current_policy = base.get("resource_policy")
            same = _aws.canonical_policy(current_policy) == _aws.canonical_policy(self._policy or None)
            target["resource_policy"] = current_policy if same else (self._policy or None)
        if self._value is not None:
            target["secret"] = self._value
        return target

    def _target_rotation(self, current):
        p = self.params
        wanted = p.get("rotation_enabled")
        lambda_arn = p.get("rotation_lambda_arn")
        if wanted is False:
            return dict(current, enabled=False)
        if wanted is None and lambda_arn is None and self.schedule is None:
            return dict(current)
        rotation = {"enabled": True, "lambda_arn": lambda_arn or current["lambda_arn"],
                    "schedule": self.schedule if self.schedule is not None else current["schedule"]}
        missing = [name for name, key in (("rotation_lambda_arn", "lambda_arn"), ("rotation_schedule", "schedule"))
                   if not rotation[key]]
        if missing:
            raise OptionError("turning rotation on for %s needs %s (the secret has none configured)"
                              % (self.name, " and ".join(missing)))
        return rotation

    def _same_key(self, current, wanted, region=None):
        """``current`` when it names the same KMS key as ``wanted`` (alias, key ID or ARN), else ``wanted``."""
        if current == wanted or (current is None and wanted == DEFAULT_KMS):
            return current
        if current is None:
            return wanted
        try:
            arns = [self.client.call("kms", "describe_key", resource=key, region=region, KeyId=key)["KeyMetadata"]["Arn"]
                    for key in (current, wanted)]
        except CitadelError:
            return wanted  # cannot tell (no kms:DescribeKey): treat as a different key
        return current if arns[0] == arns[1] else wanted

    # -- apply ----------------------------------------------------------------------------------
    def apply(self, current, target):
        sid = self.secret_id
        if target is None:
            steps = self._remove_replicas(current or {}, {}) + [
                ("force delete", lambda: self._call("delete_secret", SecretId=sid, ForceDeleteWithoutRecovery=True))]
            self.run_steps(steps)
            return None
        if current is None:
            return self._create(target)
        steps = []
        if current["pending_deletion"] and not target["pending_deletion"]:
            steps.append(("restore", lambda: self._restore(current)))
        update = {}
        if target["description"] != current["description"]:
            update["Description"] = target["description"]
        if target["kms_key_id"] != current["kms_key_id"]:
            update["KmsKeyId"] = target["kms_key_id"] or DEFAULT_KMS
        if "secret" in target and target["secret"] != current.get("secret"):
            update.update(self._value_request())
        if update:
            steps.append(("update (%s)" % ", ".join(sorted(update)).replace("SecretString", "value"),
                          lambda: self._update(update, current)))
        steps += _aws.tag_steps(self._call, {"SecretId": sid}, current["tags"], target["tags"])
        if "resource_policy" in target and target["resource_policy"] != current.get("resource_policy"):
            steps.append(self._policy_step())
        steps += self._remove_replicas(current, target["replica_regions"])
        steps += self._add_replicas(current["replica_regions"], target["replica_regions"])
        if target["rotation"] != current["rotation"]:
            steps.append(self._rotation_step(target["rotation"]))
        if target["pending_deletion"] and not current["pending_deletion"]:
            window = self.params.get("recovery_window_days") or 30
            steps.append(("schedule deletion (%d days)" % window,
                          lambda: self._call("delete_secret", SecretId=sid, RecoveryWindowInDays=window)))
        self.run_steps(steps)
        return target

    def _create(self, target):
        request = {"Name": self.secret_id}
        if target["description"]:
            request["Description"] = target["description"]
        if target["kms_key_id"]:
            request["KmsKeyId"] = target["kms_key_id"]
        if target["tags"]:
            request["Tags"] = _aws.tags_from_dict(target["tags"])
        if target["replica_regions"]:
            request["AddReplicaRegions"] = self._replica_request(target["replica_regions"])
        if "secret" in target:
            request.update(self._value_request())
        created = self._call("create_secret", **request)
        self._describe = {"ARN": created.get("ARN"), "Name": created.get("Name")}
        steps = [("create", lambda: None)]
        if target.get("resource_policy"):
            steps.append(self._policy_step())
        if target["rotation"]["enabled"]:
            steps.append(self._rotation_step(target["rotation"]))
        self.run_steps(steps)
        return target

    def _value_request(self):
        if isinstance(self._value, dict):
            return {"SecretString": json.dumps(self._value)}
        return {"SecretString": self._value}

    def _restore(self, current):
        self._call("restore_secret", SecretId=self.secret_id)
        if self._value is not None:  # the value could not be read while the secret was pending deletion
            current["secret"] = self._read_value()
        if self._policy is not None:
            current["resource_policy"] = self._read_policy()

    def _update(self, update, current):
        request = dict(update)
        if "SecretString" in request and current.get("secret") == self._value:
            del request["SecretString"]  # found equal after a restore: no new version
        if request:
            self._call("update_secret", SecretId=self.secret_id, **request)

    def _policy_step(self):
        if self._policy:
            return ("resource policy", lambda: self._call("put_resource_policy", SecretId=self.secret_id,
                                                          ResourcePolicy=json.dumps(self._policy)))
        return ("delete resource policy", lambda: self._call("delete_resource_policy", SecretId=self.secret_id))

    @staticmethod
    def _replica_request(replicas):
        request = []
        for region, kms in sorted(replicas.items()):
            entry = {"Region": region}
            if kms and kms != DEFAULT_KMS:
                entry["KmsKeyId"] = kms
            request.append(entry)
        return request

    def _remove_replicas(self, current, target_replicas):
        existing = current.get("replica_regions") or {}
        gone = sorted(r for r in existing if r not in target_replicas or target_replicas[r] != existing[r])
        if not gone:
            return []
        return [("remove replicas %s" % ", ".join(gone),
                 lambda: self._call("remove_regions_from_replication", SecretId=self.secret_id,
                                    RemoveReplicaRegions=gone))]

    def _add_replicas(self, existing, target_replicas):
        new = {r: k for r, k in target_replicas.items() if existing.get(r) != k}
        if not new:
            return []
        return [("replicate to %s" % ", ".join(sorted(new)),
                 lambda: self._call("replicate_secret_to_regions", SecretId=self.secret_id,
                                    AddReplicaRegions=self._replica_request(new)))]

    def _rotation_step(self, rotation):
        if not rotation["enabled"]:
            return ("turn rotation off", lambda: self._call("cancel_rotate_secret", SecretId=self.secret_id))
        request = {"SecretId": self.secret_id, "RotationLambdaARN": rotation["lambda_arn"],
                   "RotationRules": schedule_request(rotation["schedule"]),
                   "RotateImmediately": bool(self.params.get("rotate_immediately"))}
        return ("rotation", lambda: self._call("rotate_secret", **request))

    # -- presentation ---------------------------------------------------------------------------
    def present(self, state):
        if state is None:
            return {}
        result = {k: copy.deepcopy(v) for k, v in state.items() if k != "secret"}
        describe = self._describe or {}
        result["name"] = describe.get("Name") or self.secret_id
        result["arn"] = describe.get("ARN") or (self.secret_id if self.secret_id.startswith("arn:") else None)
        if describe.get("DeletedDate") and state.get("pending_deletion"):
            result["deletion_date"] = str(describe["DeletedDate"])
        return result
