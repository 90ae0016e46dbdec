# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One SOPS-encrypted file as a reconcilable resource, and the module runner for ``sops_file``.

The state compared between runs is ``{path, format, data, recipients, settings}``: ``data`` is the
decrypted content flattened to ``path -> value`` (values masked in results and diffs, key names shown),
``recipients``/``settings`` come from the file's ``sops`` metadata. The desired side is obtained by really
encrypting the desired plaintext in memory (``sops encrypt`` on stdin), so recipients and settings that a
``.sops.yaml`` rule supplies compare exactly, check mode predicts exactly, and a real run writes those very
bytes (atomically, next to the file). A change of content, recipients or settings re-encrypts the file with
a new data key; ``rotate`` forces that.

The runner is the shared one (``_module.CitadelModule`` + ``_reconcile.reconcile``) plus Ansible's usual
file attributes (``mode``, ``owner``, ``group``, …), which are applied after the content and join the diff.
"""

from __future__ import annotations

import json
import os
import tempfile

from ansible_collections.citadel.secrets.plugins.module_utils import _module, _sops
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import Resource, reconcile

#: options shared by the sops_file module and the sops lookup (doc fragment citadel.secrets.sops)
COMMON_ARGSPEC = dict(
    sops_binary=dict(type="str", default="sops"),
    age_key=dict(type="str", no_log=True),
    age_key_file=dict(type="path", no_log=False),
    vault_token=dict(type="str", no_log=True),
)

BACKEND = _module.Backend(COMMON_ARGSPEC, lambda params: None, _sops.Sops.from_options)


def _strict(value):
    """Comparable form that tells ``true`` from ``1`` (Python's ``True == 1``) but ``1`` equals ``1.0``."""
    if isinstance(value, dict):
        return {key: _strict(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strict(item) for item in value]
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return value


class FileClient:
    """What the resource needs from the outside world: the sops runner and atomic writes."""

    def __init__(self, sops, module):
        self.sops = sops
        self.module = module

    def write(self, path, content):
        directory, base = os.path.split(os.path.abspath(path))
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % base, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            self.module.atomic_move(tmp, os.path.abspath(path), unsafe_writes=self.module.params.get("unsafe_writes"))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


class SopsFileResource(Resource):
    kind = "sops file"
    result_key = "file"
    secret_paths = ("data.*",)

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self.fmt = params.get("output_type") or _sops.format_for_path(params["path"])
        self._plain = self._input_type = self._data = None
        self._current_plain = self._current_meta = self._encrypted = None
        self._secrets = []

    @property
    def name(self):
        return "sops file %s" % self.params["path"]

    @property
    def path(self):
        return self.params["path"]

    # -- validation: everything that can be checked without running sops ---------------------------
    def validate(self):
        params, path = self.params, self.path
        if os.path.isdir(path):
            raise OptionError("path %s is a directory" % path)
        if params.get("state", "present") == "absent":
            return
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise OptionError("directory %s does not exist" % os.path.dirname(os.path.abspath(path)))
        if "yaml" in (self.fmt, params.get("input_type")) and not _sops.HAS_YAML:
            raise OptionError("PyYAML is needed on this host to handle YAML files")
        if params.get("data") is not None:
            self._validate_data(params["data"])
        elif params.get("content") is not None:
            self._validate_content(params["content"], params.get("input_type") or self.fmt)
        elif not os.path.exists(path):
            raise OptionError("%s does not exist: content or data is needed to create it" % path)
        elif params.get("input_type"):
            raise OptionError("input_type describes content, which was not given")
        self._recipients = {option: list(params[option]) for option in _sops.RECIPIENTS if params.get(option)}
        self._settings = {name: params[name] for name in _sops.SETTINGS if params.get(name) is not None}
        config = params.get("config_path")
        if config and not os.path.isfile(config):
            raise OptionError("config_path %s is not a file" % config)
        if not config and not self._recipients:
            config = _sops.find_config(path)
            if config is None and not os.path.exists(path):
                raise OptionError("no recipients given (age, kms, hc_vault_transit_uri, gcp_kms, azure_kv, pgp) and "
                                  "no .sops.yaml found in %s or above" % os.path.dirname(os.path.abspath(path)))
        self._config = config

    def _validate_data(self, data):
        if self.params.get("input_type"):
            raise OptionError("input_type describes content; data is already a mapping")
        if self.fmt == "binary":
            raise OptionError("a binary file takes content, not data")
        if self.fmt == "dotenv":
            flat = {}
            for key, value in data.items():
                if isinstance(value, (dict, list)) or not key or "=" in key or "\n" in key:
                    raise OptionError("dotenv files hold flat KEY=value pairs: data key %r cannot be written" % key)
                flat[key] = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            data = flat
        self._data = json.loads(json.dumps(data))
        self._plain, self._input_type = json.dumps(self._data).encode("utf-8"), "json"
        self._secrets = [value for value in _sops.flatten(self._data).values() if isinstance(value, str)]

    def _validate_content(self, content, input_type):
        if (input_type == "binary") != (self.fmt == "binary"):
            raise OptionError("input_type %s cannot be written as output_type %s: binary content makes binary "
                              "files only" % (input_type, self.fmt))
        self._data = _sops.parse_plaintext(content, input_type, "content")
        if self.fmt == "dotenv" and (not isinstance(self._data, dict)
                                     or any(isinstance(v, (dict, list)) for v in self._data.values())):
            raise OptionError("content has nested values, which a dotenv file cannot hold")
        if self.fmt != "binary" and input_type != "dotenv" and not isinstance(self._data, dict):
            raise OptionError("content must be a mapping at the top level")
        self._plain, self._input_type = content.encode("utf-8"), input_type
        if self.fmt == "binary":
            self._secrets = [line for line in content.splitlines() if line.strip()]
        else:
            self._secrets = [value for value in _sops.flatten(self._data).values() if isinstance(value, str)]

    # -- state ---------------------------------------------------------------------------------------
    def _state(self, data, summary):
        flat = {"content": data} if self.fmt == "binary" else _sops.flatten(data) if data != {} else {}
        return {"path": self.path, "format": self.fmt, "data": flat,
                "recipients": summary["recipients"], "settings": summary["settings"]}

    def read(self):
        path = self.path
        if not os.path.lexists(path):
            return None
        if self.params.get("state", "present") == "absent":
            return {"path": path}
        try:
            with open(path, "rb") as stream:
                raw = stream.read()
        except OSError as exc:
            raise OptionError("%s cannot be read: %s" % (path, exc.strerror))
        meta = _sops.metadata(raw, self.fmt)
        if meta is None:
            raise OptionError("%s exists but is not a SOPS-encrypted %s file; nothing was written (remove it or "
                              "choose another path or output_type)" % (path, self.fmt))
        try:
            plain = self.client.sops.decrypt(path, self.fmt)
        except _sops.NotSopsFile:
            raise OptionError("%s exists but is not a SOPS-encrypted %s file; nothing was written" % (path, self.fmt))
        self._current_plain, self._current_meta = plain, meta
        data = _sops.parse_plaintext(plain, self.fmt, "decrypted %s" % path)
        if self.fmt != "binary":
            self._secrets += [v for v in _sops.flatten(data).values() if isinstance(v, str)]
        return self._state(data, _sops.summarise(meta))

    def target(self, current, state):
        if state == "absent":
            return None
        plain, input_type, data = self._plain, self._input_type, self._data
        if plain is None:  # keep the file's content: re-encrypt what is there
            plain, input_type = self._current_plain, self.fmt
            data = _sops.parse_plaintext(plain, self.fmt, "decrypted %s" % self.path)
        recipients, settings = self._recipients, self._settings
        if not recipients and self._config is None:  # keep the file's own keys
            kept = _sops.kept_recipients(self._current_meta, self.path)
            recipients = kept["recipients"]
            if not settings:
                settings = {name: value for name, value in kept["settings"].items() if name in _sops.SETTINGS}
        self._encrypted = self.client.sops.encrypt(
            plain, self.path, input_type, self.fmt, recipients, settings, self._config,
            self.params.get("aws_profile"), secrets=self._secrets)
        meta = _sops.metadata(self._encrypted, self.fmt)
        if meta is None:
            raise CitadelError("sops wrote no metadata for %s" % self.path)
        return self._state(data, _sops.summarise(meta))

    def differs(self, current, target):
        if target is not None and self.params.get("rotate"):
            return True
        return _strict(current) != _strict(target)

    def apply(self, current, target):
        if target is None:
            os.unlink(self.path)
        else:
            self.client.write(self.path, self._encrypted)

    def present(self, state):
        return super().present(state) if state else {}


def run_sops_file_module(argument_spec, **module_kwargs):
    """The shared runner's steps, plus Ansible's file attributes once the content is in place."""
    module = _module.CitadelModule(BACKEND, argument_spec, add_file_common_args=True, **module_kwargs)
    try:
        resource = SopsFileResource(module.params)
        resource.validate()
        resource.bind(FileClient(module.client(), module))
        state = module.params.get("state") or "present"
        outcome = reconcile(resource, state, module.check_mode)
        result = outcome.result(module._diff)
        if state == "present" and os.path.exists(resource.path):
            file_args = module.load_file_common_arguments(module.params)
            attr_diff = {"before": {}, "after": {}}
            result["changed"] = module.set_fs_attributes_if_different(
                file_args, result["changed"], diff=attr_diff if module._diff else None)
            if module._diff:
                result["diff"]["before"].update(attr_diff["before"])
                result["diff"]["after"].update(attr_diff["after"])
    except CitadelError as exc:
        module.fail_citadel(exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_unexpected(exc)
    module.exit_json(**result)
