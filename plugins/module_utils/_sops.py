# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way the collection runs the ``sops`` binary, and reads what it writes.

* ``Sops`` runs ``sops encrypt`` / ``sops decrypt`` with the plaintext on stdin or stdout only: no plaintext
  ever touches the disk and none is ever in argv. Credentials (age identity, Vault token) travel in the
  child's environment, which other users cannot read. The binary's version is detected once per process.
* Recipients come from options, or from a ``.sops.yaml`` found above the file (passed with ``--config``, so
  ``path_regex`` matches the file's path relative to that config whatever the current directory is).
  ``SOPS_AGE_RECIPIENTS``-style environment variables are removed so that nothing adds recipients silently.
* ``parse_plaintext`` reads YAML the way sops (go-yaml v3) does, so a value compares equal to what sops
  writes back: only ``true``/``false`` are booleans, ``0o17``/``017``/``0x1F``/``1_000`` are integers,
  ``12:30`` is a string, and the timestamps sops rewrites (``2020-01-01`` becomes ``2020-01-01T00:00:00Z``)
  are rewritten the same way.
* ``metadata``/``summarise`` read the ``sops`` section of an encrypted file in any of the four formats.
* ``flatten``/``to_sops_path`` name values by paths such as ``db.password`` or ``servers[0].name``; the
  same paths are accepted by the lookup's ``extract``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

from ansible_collections.citadel.secrets.plugins.module_utils import _redact
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError

try:
    import yaml
    HAS_YAML = True
except ImportError:  # reported when a YAML file is handled
    HAS_YAML = False

FORMATS = ("yaml", "json", "dotenv", "binary")
MIN_VERSION = (3, 9, 0)

#: option name -> (sops flag, key in the file's ``sops`` metadata)
RECIPIENTS = {
    "age": ("--age", "age"),
    "pgp": ("--pgp", "pgp"),
    "kms": ("--kms", "kms"),
    "gcp_kms": ("--gcp-kms", "gcp_kms"),
    "azure_kv": ("--azure-kv", "azure_kv"),
    "hc_vault_transit_uri": ("--hc-vault-transit", "hc_vault"),
}
#: which values of the file's keys are encrypted; sops allows at most one of them
SETTINGS = ("encrypted_regex", "unencrypted_regex", "encrypted_suffix", "unencrypted_suffix",
            "encrypted_comment_regex", "unencrypted_comment_regex")
#: environment variables through which sops would add recipients behind the options' back
RECIPIENT_ENV = ("SOPS_AGE_RECIPIENTS", "SOPS_KMS_ARN", "SOPS_PGP_FP", "SOPS_GCP_KMS_IDS", "SOPS_VAULT_URIS",
                 "SOPS_AZURE_KEYVAULT_URLS", "SOPS_HUAWEICLOUD_KMS_IDS", "SOPS_CONFIG")

_VERSIONS = {}  # resolved binary -> version tuple, detected once per process


class SopsError(CitadelError):
    """sops failed; the message carries its stderr with secret values scrubbed."""


class NotSopsFile(SopsError):
    """The file exists but holds no sops metadata."""


class PathNotFound(SopsError):
    """``--extract`` named a key or index that the document does not have."""


def format_for_path(path):
    """The format sops infers from a file name."""
    name = path.lower()
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".env"):
        return "dotenv"
    return "binary"


def find_config(path):
    """The nearest ``.sops.yaml`` in the directory of ``path`` or above it, or None."""
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        candidate = os.path.join(directory, ".sops.yaml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


# -- running the binary ---------------------------------------------------------------------------------

class Sops:
    """One sops binary plus the credentials it runs with. ``secrets`` are scrubbed from every error."""

    def __init__(self, binary="sops", age_key=None, age_key_file=None, vault_token=None, secrets=()):
        self.binary_option = binary or "sops"
        self.age_key = age_key
        self.age_key_file = age_key_file
        self.vault_token = vault_token
        self.secrets = [value for value in (age_key, vault_token) if value] + list(secrets)
        self._binary = None

    @classmethod
    def from_options(cls, options):
        return cls(options.get("sops_binary"), options.get("age_key"), options.get("age_key_file"),
                   options.get("vault_token"))

    # -- binary and version ------------------------------------------------------------------------
    @property
    def binary(self):
        if self._binary is None:
            wanted = os.path.expanduser(self.binary_option)
            found = wanted if os.sep in wanted else shutil.which(wanted)
            if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
                raise OptionError("sops binary %r not found%s; install sops or set sops_binary"
                                  % (self.binary_option, "" if os.sep in wanted else " on PATH"))
            self._binary = os.path.realpath(found)
        return self._binary

    def version(self):
        binary = self.binary
        if binary not in _VERSIONS:
            proc = subprocess.run([binary, "--version"], env=self.env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, check=False)
            match = re.search(r"(\d+)\.(\d+)\.(\d+)", proc.stdout.decode("utf-8", "replace"))
            if proc.returncode != 0 or not match:
                raise SopsError("%s --version failed: %s" % (binary, self._stderr(proc) or "no version printed"))
            _VERSIONS[binary] = tuple(int(part) for part in match.groups())
        version = _VERSIONS[binary]
        if version < MIN_VERSION:
            raise SopsError("%s is sops %s; sops %s or newer is needed" % (
                binary, ".".join(map(str, version)), ".".join(map(str, MIN_VERSION))))
        return version

    def env(self):
        env = {name: value for name, value in os.environ.items() if name not in RECIPIENT_ENV}
        env["SOPS_DISABLE_VERSION_CHECK"] = "1"
        if self.age_key:
            env["SOPS_AGE_KEY"] = self.age_key
        if self.age_key_file:
            env["SOPS_AGE_KEY_FILE"] = os.path.expanduser(self.age_key_file)
        if self.vault_token:
            env["VAULT_TOKEN"] = self.vault_token
        return env

    # -- the calls -----------------------------------------------------------------------------------
    def run(self, args, what, stdin=b"", cwd=None, secrets=()):
        self.version()
        proc = subprocess.run([self.binary] + list(args), input=stdin, env=self.env(), cwd=cwd,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, check=False)
        if proc.returncode != 0:
            text = self._stderr(proc, secrets)
            if "sops metadata not found" in text:
                raise NotSopsFile("%s: not a SOPS-encrypted file (sops metadata not found)" % what)
            if re.search(r"component .* not found", text):
                raise PathNotFound("%s: %s" % (what, text))
            raise SopsError("%s failed (sops exit code %d): %s" % (what, proc.returncode, text or "no message"))
        return proc.stdout

    def decrypt(self, path, input_type, output_type=None, extract=None):
        args = ["decrypt", "--input-type", input_type, "--output-type", output_type or input_type]
        if extract:
            args += ["--extract", extract]
        args.append(os.path.abspath(path))
        return self.run(args, "decrypting %s" % path, cwd=os.path.dirname(os.path.abspath(path)))

    def encrypt(self, plaintext, path, input_type, output_type, recipients=None, settings=None, config=None,
                aws_profile=None, secrets=()):
        """Encrypt ``plaintext`` (bytes) as the file ``path`` would be; return the encrypted bytes.

        ``config`` is the ``.sops.yaml`` to apply, or None for "recipients given, no creation rules"."""
        args = ["--config", config or os.devnull, "encrypt", "--input-type", input_type, "--output-type",
                output_type, "--filename-override", os.path.abspath(path)]
        for option, values in sorted((recipients or {}).items()):
            if values:
                args += [RECIPIENTS[option][0], ",".join(values)]
        for name in SETTINGS:
            value = (settings or {}).get(name)
            if value is not None:
                args += ["--%s" % name.replace("_", "-"), value]
        if aws_profile:
            args += ["--aws-profile", aws_profile]
        return self.run(args, "encrypting %s" % path, stdin=plaintext,
                        cwd=os.path.dirname(os.path.abspath(path)), secrets=secrets)

    def _stderr(self, proc, secrets=()):
        text = proc.stderr.decode("utf-8", "replace").strip()
        text = re.sub(r"^\[CMD\]\s*", "", text, flags=re.M)
        return _redact.scrub_text(text, list(self.secrets) + list(secrets))


# -- plaintext: parse the way sops does -----------------------------------------------------------------

_LOADER = []


def _yaml_loader():
    if _LOADER:
        return _LOADER[0]

    class Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        pass

    replaced = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                "tag:yaml.org,2002:timestamp")
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in replaced]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$"), list("-+0123456789"))
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))
    Loader.add_implicit_resolver("tag:yaml.org,2002:timestamp", _TIMESTAMP, list("0123456789"))
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    Loader.add_constructor("tag:yaml.org,2002:binary", _construct_binary)
    _LOADER.append(Loader)
    return Loader


_DATE = re.compile(r"^(\d{4})-(\d\d?)-(\d\d?)$")
_SPACED = re.compile(r"^(\d{4})-(\d\d?)-(\d\d?)[ \t]+(\d\d?):(\d\d):(\d\d)(\.\d+)?$")
_RFC3339 = re.compile(r"^(\d{4})-(\d\d?)-(\d\d?)T(\d\d?):(\d\d):(\d\d)(\.\d+)?(Z|[-+]\d\d:\d\d)$")
_TIMESTAMP = re.compile("|".join(p.pattern for p in (_DATE, _SPACED, _RFC3339)))


def _construct_int(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    sign, digits = (-1, text[1:]) if text[:1] == "-" else (1, text.lstrip("+"))
    if len(digits) > 1 and digits[0] == "0" and digits[1] in "0123456789":
        try:
            return sign * int(digits, 8)
        except ValueError:  # 09: not octal, sops reads it as the number 9
            return sign * int(digits, 10)
    return sign * int(digits, 0)


def _fraction(text):
    text = (text or "").rstrip("0")
    return "" if text in ("", ".") else text


def _construct_timestamp(loader, node):
    """The string sops writes for a YAML timestamp (Go's RFC 3339 rendering)."""
    text = loader.construct_scalar(node)
    match = _DATE.match(text)
    if match:
        return "%04d-%02d-%02dT00:00:00Z" % tuple(int(part) for part in match.groups())
    match = _SPACED.match(text) or _RFC3339.match(text)
    parts = match.groups()
    zone = parts[7] if len(parts) > 7 else "Z"
    return "%04d-%02d-%02dT%02d:%02d:%02d%s%s" % (tuple(int(part) for part in parts[:6]) + (_fraction(parts[6]), zone))


def _construct_binary(loader, node):
    return yaml.SafeLoader.construct_yaml_binary(loader, node).decode("utf-8", "replace")


def parse_yaml(text, what):
    if not HAS_YAML:
        raise OptionError("%s: PyYAML is needed to handle YAML files on this host" % what)
    try:
        documents = list(yaml.load_all(text, Loader=_yaml_loader()))  # nosec: a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = " at line %d, column %d" % (mark.line + 1, mark.column + 1) if mark else ""
        # never str(exc): PyYAML quotes the offending line, which may hold a secret
        raise OptionError("%s is not valid YAML%s: %s" % (what, where, getattr(exc, "problem", None) or "syntax error"))
    return documents[0] if len(documents) == 1 else documents


def parse_dotenv(text, what):
    """KEY=value lines as sops reads them: ``#`` comments, empty lines, ``\\n`` escapes, no quoting."""
    data = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise OptionError("%s: line %d is not KEY=value" % (what, number))
        key, value = line.split("=", 1)
        data[key] = value.replace("\\n", "\n")
    return data


def parse_plaintext(raw, fmt, what):
    """Parse decrypted or given plaintext (bytes or str) into data compared between runs."""
    if fmt == "binary":
        return raw if isinstance(raw, bytes) else raw.encode("utf-8")
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if fmt == "json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise OptionError("%s is not valid JSON at line %d, column %d: %s"
                              % (what, getattr(exc, "lineno", 0), getattr(exc, "colno", 0), getattr(exc, "msg", exc)))
    if fmt == "dotenv":
        return parse_dotenv(text, what)
    return parse_yaml(text, what)


def dump_dotenv(data):
    return "".join("%s=%s\n" % (key, value.replace("\n", "\\n")) for key, value in data.items())


# -- metadata ---------------------------------------------------------------------------------------------

def _child(node, name, kind):
    """``node[name]``, made a ``kind`` (dict or list) if it is not one yet; ``node`` is a dict or a list."""
    if isinstance(node, list):
        node.extend([None] * (name + 1 - len(node)))
    elif name not in node:
        node[name] = None
    if not isinstance(node[name], kind):
        node[name] = kind()
    return node[name]


def _unflatten_dotenv(text):
    """The ``sops_*`` lines of a dotenv file back into the metadata mapping (sops flattens nested keys with
    ``__map_<key>`` and ``__list_<index>`` separators)."""
    root = {}
    for line in text.split("\n"):
        if not line.startswith("sops_") or "=" not in line:
            continue
        key, value = line[5:].split("=", 1)
        parts = re.split(r"__(map|list)_", key)
        path = [parts[0]] + [int(name) if kind == "list" else name for kind, name in zip(parts[1::2], parts[2::2])]
        node = root
        for name, following in zip(path, path[1:]):
            node = _child(node, name, list if isinstance(following, int) else dict)
        if isinstance(node, list):
            node.extend([None] * (path[-1] + 1 - len(node)))
        node[path[-1]] = value.replace("\\n", "\n")
    return root or None


def metadata(raw, fmt):
    """The ``sops`` mapping of an encrypted file's bytes, or None when the file holds none."""
    text = raw.decode("utf-8", "replace")
    if fmt == "dotenv":
        return _unflatten_dotenv(text)
    try:
        document = json.loads(text) if fmt in ("json", "binary") else yaml.safe_load(text)
    except (ValueError, getattr(yaml, "YAMLError", ValueError)):
        return None
    meta = document.get("sops") if isinstance(document, dict) else None
    return meta if isinstance(meta, dict) else None


def _recipient_ids(kind, entries):
    ids = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        if kind == "age":
            ids.append(entry.get("recipient"))
        elif kind == "pgp":
            ids.append(entry.get("fp"))
        elif kind == "kms":
            ids.append(entry.get("arn", "") + ("+" + entry["role"] if entry.get("role") else ""))
        elif kind == "gcp_kms":
            ids.append(entry.get("resource_id"))
        elif kind == "azure_kv":
            ids.append("%s/keys/%s/%s" % (entry.get("vault_url"), entry.get("name"), entry.get("version")))
        elif kind == "hc_vault":
            ids.append("%s/v1/%s/keys/%s" % (entry.get("vault_address"), entry.get("engine_path"),
                                             entry.get("key_name")))
    return [value for value in ids if value]


def summarise(meta):
    """What a file is encrypted for and how: ``{'recipients': {option: [ids]}, 'settings': {...}}``."""
    groups = [meta] + [group for group in meta.get("key_groups") or [] if isinstance(group, dict)]
    recipients = {}
    for option, (_flag, key) in RECIPIENTS.items():
        ids = sorted(set(value for group in groups for value in _recipient_ids(key, group.get(key))))
        if ids:
            recipients[option] = ids
    settings = {name: meta[name] for name in SETTINGS if meta.get(name) not in (None, "")}
    for name in ("mac_only_encrypted", "shamir_threshold"):
        if meta.get(name) not in (None, "", False, "false", 0, "0"):
            settings[name] = meta[name]
    if len(meta.get("key_groups") or []) > 1:
        settings["key_groups"] = len(meta["key_groups"])
    return {"recipients": recipients, "settings": settings}


def kept_recipients(meta, what):
    """Recipient options that re-encrypt a file for exactly the keys it has now."""
    if meta.get("key_groups") or meta.get("shamir_threshold"):
        raise OptionError("%s uses key groups; give its recipients or a .sops.yaml rule to re-encrypt it" % what)
    if any(isinstance(entry, dict) and entry.get("context") for entry in meta.get("kms") or []):
        raise OptionError("%s uses a KMS encryption context; give its recipients or a .sops.yaml rule" % what)
    return summarise(meta)


# -- paths into a document --------------------------------------------------------------------------------

_SIMPLE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_PATH_TOKEN = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z0-9_-]+)')


def _render_key(prefix, key):
    key = str(key)
    if _SIMPLE_KEY.match(key):
        return "%s.%s" % (prefix, key) if prefix else key
    return "%s[%s]" % (prefix, json.dumps(key))


def flatten(value, prefix=""):
    """``{'db': {'password': 'x'}, 'hosts': ['a']}`` -> ``{'db.password': 'x', 'hosts[0]': 'a'}``."""
    if isinstance(value, dict) and value:
        flat = {}
        for key, child in value.items():
            flat.update(flatten(child, _render_key(prefix, key)))
        return flat
    if isinstance(value, list) and value:
        flat = {}
        for index, child in enumerate(value):
            flat.update(flatten(child, "%s[%d]" % (prefix, index)))
        return flat
    return {prefix or "$": value}


def to_sops_path(path):
    """A dotted path (``db.password``, ``servers[0].name``, ``["a.b"].c``), a list of keys and indices,
    or sops's own ``["db"]["password"]`` syntax -> sops's ``--extract`` syntax."""
    if isinstance(path, (list, tuple)):
        parts = list(path)
    else:
        text = str(path).strip()
        parts, position = [], 0
        while position < len(text):
            match = _PATH_TOKEN.match(text, position)
            if not match or (match.group(3) is not None and position and not match.group(0).startswith(".")):
                raise OptionError("extract %r is not a path such as db.password, servers[0].name or "
                                  "[\"db\"][\"password\"]" % (path,))
            if match.group(1) is not None:
                parts.append(int(match.group(1)))
            elif match.group(2) is not None:
                parts.append(json.loads('"%s"' % match.group(2)))
            else:
                parts.append(match.group(3))
            position = match.end()
    if not parts:
        raise OptionError("extract is empty")
    return "".join("[%d]" % part if isinstance(part, int) and not isinstance(part, bool)
                   else "[%s]" % json.dumps(str(part)) for part in parts)
