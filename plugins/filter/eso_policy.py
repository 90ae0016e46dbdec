# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: eso_policy
short_description: Least-privilege Vault policy for the ExternalSecrets and PushSecrets that use a store
version_added: 0.1.0
description:
  - Takes External Secrets Operator manifests (V(ExternalSecret), V(ClusterExternalSecret), V(PushSecret), and the
    V(SecretStore)/V(ClusterSecretStore) they use) and returns the Vault or OpenBao ACL policy that grants ESO
    exactly what those declarations need, and nothing else.
  - Each C(remoteRef.key) and C(dataFrom.extract.key) gets C(read) on the KV path ESO reads, computed the way
    ESO's Vault provider builds it from the store's C(path) and C(version) (KV v2 adds C(data/), a key that
    repeats the mount is not prefixed twice). C(metadataPolicy=Fetch) reads the C(metadata/) path instead.
  - C(dataFrom.find) gets C(list) on the searched C(metadata/) subtree and C(read) on the secrets below it
    (and on their metadata when it matches C(tags)); a find is as broad as the path it searches.
  - Each C(PushSecret) key gets C(create), C(read) and C(update) on the data path and, on KV v2, on its
    C(metadata/) path (ESO reads the secret, stamps C(custom_metadata.managed-by) and writes it); C(delete) too
    when its C(deletionPolicy) is V(Delete).
  - ESO's own token housekeeping (C(auth/token/lookup-self), C(auth/token/revoke-self)) is included unless
    O(token_self=false), so the login role can set C(token_no_default_policy).
  - Declarations whose store is not among the manifests or O(stores) raise an error unless
    O(unknown_stores=ignore); generator sources (C(sourceRef.generatorRef)) need no Vault access and are skipped.
options:
  _input:
    description:
      - ESO manifests as dictionaries (C(apiVersion), C(kind), C(metadata), C(spec)). Other kinds are ignored.
    type: list
    elements: dict
    required: true
  stores:
    description:
      - More stores, for declarations whose store is not in the input. Each is a store manifest or a short form
        with C(kind) (default V(ClusterSecretStore)), C(name), C(namespace) (for a V(SecretStore); without it, the
        entry stands for a V(SecretStore) of that name in every namespace), C(path) (the KV mount, as the store's
        C(spec.provider.vault.path)), C(version) (V(v1) or V(v2), default V(v2)) and C(labels).
    type: list
    elements: dict
    default: []
  format:
    description:
      - V(hcl) returns the policy document; V(paths) returns a dictionary of path to capabilities.
    type: str
    choices: [hcl, paths]
    default: hcl
  token_self:
    description:
      - Include C(read) on C(auth/token/lookup-self) and C(update) on C(auth/token/revoke-self), which ESO
        calls to check and revoke its token.
    type: bool
    default: true
  unknown_stores:
    description:
      - What to do with a declaration that refers to a store that is neither in the input nor in O(stores), or
        whose store has no Vault provider. V(error) fails; V(ignore) leaves it out of the policy.
    type: str
    choices: [error, ignore]
    default: error
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: The policy ESO needs for the declared ExternalSecrets and PushSecrets
  citadel.secrets.vault_policy:
    name: external-secrets
    rules: "{{ eso_manifests | citadel.secrets.eso_policy }}"

- name: The same against a store managed elsewhere
  ansible.builtin.debug:
    msg: >-
      {{ external_secrets | citadel.secrets.eso_policy(
           stores=[{'kind': 'ClusterSecretStore', 'name': 'vault', 'path': 'secret', 'version': 'v2'}],
           format='paths') }}
"""

RETURN = r"""
_value:
  description:
    - With O(format=hcl), the policy document (HCL), paths sorted, each preceded by a comment naming the
      declarations that need it.
    - With O(format=paths), a dictionary of Vault path to the sorted list of capabilities.
  type: raw
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

STORE_KINDS = ("SecretStore", "ClusterSecretStore")
CAPABILITY_ORDER = ("create", "read", "update", "patch", "delete", "list")
READ = ("read",)
PUSH = ("create", "read", "update")
TOKEN_SELF = (("auth/token/lookup-self", ("read",), "ESO checks its token before reusing it"),
              ("auth/token/revoke-self", ("update",), "ESO revokes tokens it no longer uses"))


class _Store:
    """The parts of a Vault store that decide where ESO reads and writes: mount path and KV version."""

    def __init__(self, kind, name, namespace, path, version, labels):
        self.kind, self.name, self.namespace = kind, name, namespace
        self.path = path.strip("/") if isinstance(path, str) and path.strip("/") else None
        self.version = version or "v2"
        self.labels = labels or {}
        if self.version not in ("v1", "v2"):
            raise AnsibleFilterError("eso_policy: %s: version must be v1 or v2, got %r" % (self.ident(), version))

    @property
    def v2(self):
        return self.version == "v2"

    def ident(self):
        return "%s %s" % (self.kind, "%s/%s" % (self.namespace, self.name) if self.namespace else self.name)

    # The two path builders follow ESO's Vault provider (buildPath / buildMetadataPath) so that the policy
    # names exactly the paths ESO will request.
    def _strip_mount(self, key):
        out = key
        cut = self.path + "/"
        if out.startswith(cut):
            out = out[len(cut):]
            if self.v2 and out.startswith("data/"):
                out = out[len("data/"):]
        return out

    def data_path(self, key):
        if self.path is not None:
            return "/".join([self.path] + (["data"] if self.v2 else []) + [self._strip_mount(key)])
        if self.v2 and "/data/" not in key:
            parts = key.split("/")
            return "/".join([parts[0], "data"] + parts[1:])
        return key

    def metadata_path(self, key, what):
        if not self.v2:
            if self.path is None:
                raise AnsibleFilterError("eso_policy: %s: %s needs the store's path on a KV v1 store" % (what, self.ident()))
            return "%s/%s" % (self.path, key)
        if self.path is None:
            if "data" not in key:
                raise AnsibleFilterError("eso_policy: %s: the store %s has no path, so the key must name the mount and "
                                         "data/ (ESO: provided Path isn't a valid kv v2 path)" % (what, self.ident()))
            return key.replace("/data/", "/metadata/", 1)
        return "%s/metadata/%s" % (self.path, self._strip_mount(key))


def _store_from(item, what):
    if not isinstance(item, dict):
        raise AnsibleFilterError("eso_policy: %s: expected a dictionary, got %s" % (what, type(item).__name__))
    if "spec" in item or "metadata" in item:  # a manifest
        meta = item.get("metadata") or {}
        vault = (((item.get("spec") or {}).get("provider") or {}).get("vault"))
        kind = item.get("kind")
        if vault is None:
            return None
        return _Store(kind, meta.get("name"), meta.get("namespace") if kind == "SecretStore" else None,
                      vault.get("path"), vault.get("version"), meta.get("labels"))
    kind = item.get("kind", "ClusterSecretStore")
    if kind not in STORE_KINDS:
        raise AnsibleFilterError("eso_policy: %s: kind must be one of %s" % (what, ", ".join(STORE_KINDS)))
    if not item.get("name"):
        raise AnsibleFilterError("eso_policy: %s: a store needs a name" % what)
    return _Store(kind, item["name"], item.get("namespace") if kind == "SecretStore" else None,
                  item.get("path"), item.get("version"), item.get("labels"))


def _selector_matches(selector, labels):
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise AnsibleFilterError("eso_policy: unknown label selector operator %r" % op)
    return True


class _Policy:
    def __init__(self, stores, unknown_stores):
        self.stores = stores
        self.unknown_stores = unknown_stores
        self.paths = {}  # path -> {"caps": set, "why": set}

    def grant(self, path, caps, why):
        entry = self.paths.setdefault(path, {"caps": set(), "why": set()})
        entry["caps"].update(caps)
        entry["why"].add(why)

    # -- stores --------------------------------------------------------------------------------------------
    def resolve(self, ref, namespace, default_kind, what):
        """Stores a reference names: by name, or by label selector (PushSecret), in the referrer's namespace
        for a SecretStore (any namespace when the referrer is cluster-wide)."""
        ref = ref or {}
        kind = ref.get("kind") or default_kind
        if kind not in STORE_KINDS:
            raise AnsibleFilterError("eso_policy: %s: store kind must be one of %s, got %r" % (what, ", ".join(STORE_KINDS), kind))
        candidates = [s for s in self.stores if s.kind == kind
                      and (kind == "ClusterSecretStore" or namespace is None or s.namespace in (None, namespace))]
        if ref.get("name"):
            found = [s for s in candidates if s.name == ref["name"]]
        elif ref.get("labelSelector"):
            found = [s for s in candidates if _selector_matches(ref["labelSelector"], s.labels)]
        else:
            raise AnsibleFilterError("eso_policy: %s: the store reference has neither name nor labelSelector" % what)
        if not found and self.unknown_stores == "error":
            raise AnsibleFilterError(
                "eso_policy: %s: refers to %s %r%s, which is not among the Vault stores given (pass it in stores=, "
                "or unknown_stores='ignore' to leave it out of the policy)"
                % (what, kind, ref.get("name") or ref.get("labelSelector"),
                   " in namespace %s" % namespace if kind == "SecretStore" and namespace else ""))
        return found

    # -- declarations --------------------------------------------------------------------------------------
    def external_secret(self, spec, namespace, who):
        spec = spec or {}
        store_ref = spec.get("secretStoreRef")
        for index, item in enumerate(spec.get("data") or []):
            what = "%s data[%d]" % (who, index)
            source = item.get("sourceRef") or {}
            if source.get("generatorRef"):
                continue
            ref = source.get("storeRef") or store_ref
            remote = item.get("remoteRef") or {}
            for store in self.resolve(ref, namespace, "SecretStore", what):
                self.remote_ref(store, remote, what, who)
        for index, item in enumerate(spec.get("dataFrom") or []):
            what = "%s dataFrom[%d]" % (who, index)
            source = item.get("sourceRef") or {}
            if source.get("generatorRef"):
                continue
            ref = source.get("storeRef") or store_ref
            if item.get("extract") is not None:
                for store in self.resolve(ref, namespace, "SecretStore", what):
                    self.remote_ref(store, item["extract"], what, who)
            elif item.get("find") is not None:
                for store in self.resolve(ref, namespace, "SecretStore", what):
                    self.find(store, item["find"], what, who)
            else:
                raise AnsibleFilterError("eso_policy: %s: neither extract, find nor a generator" % what)

    def remote_ref(self, store, remote, what, who):
        key = _key(remote.get("key"), what + " remoteRef.key")
        if remote.get("metadataPolicy") == "Fetch":
            if not store.v2:
                raise AnsibleFilterError("eso_policy: %s: metadataPolicy Fetch needs a KV v2 store (%s is v1)" % (what, store.ident()))
            self.grant(store.metadata_path(key, what), READ, who)
        else:
            self.grant(store.data_path(key), READ, who)

    def find(self, store, find, what, who):
        if find.get("tags") and not store.v2:
            raise AnsibleFilterError("eso_policy: %s: find by tags needs a KV v2 store (%s is v1)" % (what, store.ident()))
        path = find.get("path")
        search = _key(path, what + " find.path") + "/" if path else ""
        listed = store.metadata_path(search, what)
        self.grant(_subtree(listed), ("list",), who)
        self.grant(store.data_path(search + "*"), READ, who)
        if find.get("tags"):
            self.grant(store.metadata_path(search + "*", what), READ, who)

    def push_secret(self, spec, namespace, who):
        spec = spec or {}
        delete = spec.get("deletionPolicy") == "Delete"
        caps = PUSH + (("delete",) if delete else ())
        refs = spec.get("secretStoreRefs") or []
        keys = []
        for index, item in enumerate(spec.get("data") or []):
            what = "%s data[%d]" % (who, index)
            remote = ((item.get("match") or {}).get("remoteRef") or {})
            keys.append((_key(remote.get("remoteKey"), what + " match.remoteRef.remoteKey"), what, refs))
        for index, item in enumerate(spec.get("dataTo") or []):
            what = "%s dataTo[%d]" % (who, index)
            if not item.get("remoteKey"):
                raise AnsibleFilterError("eso_policy: %s: without remoteKey the keys it writes depend on the secret's "
                                         "contents, so no least-privilege policy can be derived" % what)
            keys.append((_key(item["remoteKey"], what + " remoteKey"), what,
                         [item["storeRef"]] if item.get("storeRef") else refs))
        for key, what, store_refs in keys:
            if not store_refs:
                raise AnsibleFilterError("eso_policy: %s: no secretStoreRefs" % what)
            for ref in store_refs:
                for store in self.resolve(ref, namespace, "SecretStore", what):
                    self.grant(store.data_path(key), caps, who)
                    if store.v2:
                        self.grant(store.metadata_path(key, what), caps, who)

    # -- output --------------------------------------------------------------------------------------------
    def as_paths(self):
        return {path: _ordered(entry["caps"]) for path, entry in sorted(self.paths.items())}

    def as_hcl(self, token_self):
        blocks = ["# Generated by citadel.secrets.eso_policy: what the External Secrets Operator needs for the",
                  "# declared ExternalSecrets and PushSecrets, and nothing else.", ""]
        if token_self:
            for path, caps, why in TOKEN_SELF:
                blocks.extend(["# %s" % why] + _block(path, caps))
        for path, entry in sorted(self.paths.items()):
            blocks.extend(["# %s" % "; ".join(sorted(entry["why"]))] + _block(path, _ordered(entry["caps"])))
        return "\n".join(blocks)


def _block(path, caps):
    return ['path "%s" {' % path, "  capabilities = [%s]" % ", ".join('"%s"' % c for c in caps), "}", ""]


def _ordered(caps):
    return [c for c in CAPABILITY_ORDER if c in caps]


def _subtree(path):
    return path + "*" if path.endswith("/") else path + "/*"


def _key(value, what):
    """A remote key as ESO takes it, refused where it would widen a policy (globs) or not name a path."""
    if not isinstance(value, str) or not value.strip():
        raise AnsibleFilterError("eso_policy: %s is missing or empty" % what)
    if value != value.strip() or value.startswith("/") or value.endswith("/") or "//" in value:
        raise AnsibleFilterError("eso_policy: %s %r: no leading, trailing or doubled slashes" % (what, value))
    segments = value.split("/")
    if "*" in value or "+" in segments or ".." in segments or "." in segments or '"' in value:
        raise AnsibleFilterError("eso_policy: %s %r: '*', '+', '.', '..' and quotes would change what a Vault "
                                 "policy path matches" % (what, value))
    return value


def _identity(manifest):
    meta = manifest.get("metadata") or {}
    if not meta.get("name"):
        raise AnsibleFilterError("eso_policy: a %s without metadata.name" % manifest.get("kind"))
    if manifest.get("kind") in ("ExternalSecret", "PushSecret", "SecretStore") and not meta.get("namespace"):
        raise AnsibleFilterError("eso_policy: %s %s has no metadata.namespace" % (manifest["kind"], meta["name"]))
    return meta.get("namespace"), meta["name"]


def eso_policy(manifests, stores=None, format="hcl", token_self=True, unknown_stores="error"):  # pylint: disable=redefined-builtin
    """See DOCUMENTATION."""
    if not isinstance(manifests, (list, tuple)):
        raise AnsibleFilterError("eso_policy: expected a list of manifests, got %s" % type(manifests).__name__)
    if format not in ("hcl", "paths"):
        raise AnsibleFilterError("eso_policy: format must be hcl or paths, got %r" % format)
    if unknown_stores not in ("error", "ignore"):
        raise AnsibleFilterError("eso_policy: unknown_stores must be error or ignore, got %r" % unknown_stores)
    try:
        found = []
        for manifest in manifests:
            if not isinstance(manifest, dict):
                raise AnsibleFilterError("eso_policy: every manifest must be a dictionary, got %s" % type(manifest).__name__)
            if manifest.get("kind") in STORE_KINDS:
                _identity(manifest)
                store = _store_from(manifest, "%s manifest" % manifest["kind"])
                if store is not None:
                    found.append(store)
        for index, item in enumerate(stores or []):
            store = _store_from(item, "stores[%d]" % index)
            if store is not None:
                found.append(store)
        policy = _Policy(found, unknown_stores)
        for manifest in manifests:
            kind = manifest.get("kind")
            if kind == "ExternalSecret":
                namespace, name = _identity(manifest)
                policy.external_secret(manifest.get("spec"), namespace, "ExternalSecret %s/%s" % (namespace, name))
            elif kind == "ClusterExternalSecret":
                name = _identity(manifest)[1]
                policy.external_secret(((manifest.get("spec") or {}).get("externalSecretSpec")), None,
                                       "ClusterExternalSecret %s" % name)
            elif kind == "PushSecret":
                namespace, name = _identity(manifest)
                policy.push_secret(manifest.get("spec"), namespace, "PushSecret %s/%s" % (namespace, name))
    except (AttributeError, TypeError) as exc:
        raise AnsibleFilterError("eso_policy: a manifest is not shaped as ESO expects: %s" % to_native(exc)) from exc
    if format == "paths":
        paths = policy.as_paths()
        if token_self:
            for path, caps, _why in TOKEN_SELF:
                paths[path] = list(caps)
        return dict(sorted(paths.items()))
    return policy.as_hcl(token_self)


class FilterModule:
    def filters(self):
        return {"eso_policy": eso_policy}
