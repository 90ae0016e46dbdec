# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Consistency of the collection's metadata with its plugins and roles.

Static checks only: plugin files are parsed with ``ast``, never imported, so these tests need neither the
collection on a collections path nor the plugins' own dependencies.

- ``meta/runtime.yml``: the ``vault`` action group is exactly the ``plugins/modules/vault_*.py`` modules, sorted.
- Every module and lookup has DOCUMENTATION, EXAMPLES and RETURN that parse as YAML, names itself after its
  file, and extends only doc fragments that exist in ``plugins/doc_fragments``. Where a module keeps its own
  options in a module-level ``ARGSPEC`` (``dict(...)`` or ``{...}``), their names match the options its
  DOCUMENTATION declares itself. The full documentation-versus-argument-spec comparison, fragments and
  common options included, is ansible-test sanity's validate-modules (``make sanity``).
- Every role has ``meta/argument_specs.yml`` whose defaults match ``defaults/main.yml``.

Each check skips while there is nothing for it to check (no modules, no lookups, no roles).
"""

from __future__ import annotations

import ast
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAMESPACE = "citadel.secrets"

MODULES = sorted(p for p in (ROOT / "plugins" / "modules").glob("*.py") if p.name != "__init__.py")
LOOKUPS = sorted(p for p in (ROOT / "plugins" / "lookup").glob("*.py") if p.name != "__init__.py")
ROLES = sorted(p for p in (ROOT / "roles").glob("*") if p.is_dir())
DOC_NAMES = ("DOCUMENTATION", "EXAMPLES", "RETURN")


class _ExamplesLoader(yaml.SafeLoader):
    """EXAMPLES may mark values ``!unsafe`` (templates meant for the server), as Ansible's loader allows."""


_ExamplesLoader.add_constructor("!unsafe", lambda loader, node: (
    loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node)))


def _ids(paths):
    return [p.stem if p.suffix else p.name for p in paths]


def _skip_if_empty(paths, what):
    return pytest.mark.skipif(not paths, reason="no %s yet" % what)


def _module_constants(path):
    """Module-level assignments of ``path`` as {name: ast value node}."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = node.value
    return found


def _doc_strings(path):
    """DOCUMENTATION, EXAMPLES, RETURN of a plugin file as strings (missing ones omitted)."""
    strings = {}
    for name, value in _module_constants(path).items():
        if name in DOC_NAMES and isinstance(value, ast.Constant) and isinstance(value.value, str):
            strings[name] = value.value
    return strings


def _fragment_classes(name):
    """{class name: {attribute: string}} of plugins/doc_fragments/<name>.py, or None when the file is missing."""
    path = ROOT / "plugins" / "doc_fragments" / ("%s.py" % name)
    if not path.is_file():
        return None
    classes = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.ClassDef):
            attrs = {}
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            attrs[target.id] = item.value.value
            classes[node.name] = attrs
    return classes


def _dict_keys(node):
    """Keys of a literal ``dict(a=..., b=...)`` or ``{'a': ..., 'b': ...}`` node, or None if it is neither."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        if all(kw.arg is not None for kw in node.keywords):
            return {kw.arg for kw in node.keywords}
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
        return {k.value for k in node.keys}
    return None


# --- meta/runtime.yml ---------------------------------------------------------------------------------------

@_skip_if_empty([p for p in MODULES if p.name.startswith("vault_")], "vault_* modules")
def test_vault_action_group_lists_every_vault_module():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    group = runtime.get("action_groups", {}).get("vault", [])
    modules = sorted(p.stem for p in MODULES if p.name.startswith("vault_"))
    assert group == sorted(group), "action_groups.vault in meta/runtime.yml is not sorted"
    assert not set(modules) - set(group), "modules missing from action_groups.vault: %s" % sorted(set(modules) - set(group))
    assert not set(group) - set(modules), "action_groups.vault names modules that do not exist: %s" % sorted(set(group) - set(modules))


#: Vault modules that always run as modules, and why (the rest run in-process for local connections)
NOT_IN_PROCESS = {
    "vault_init": "writes keys_file",
    "vault_raft_snapshot": "streams snapshots to and from local files",
    "vault_pki_certificate": "writes certificate files",
    "vault_posture_info": "imports the cloud SDKs",
}


@_skip_if_empty([p for p in MODULES if p.name.startswith("vault_")], "vault_* modules")
def test_in_process_routing_covers_every_api_only_vault_module():
    routing = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8")).get("plugin_routing", {})
    routed = {name for name, route in routing.get("modules", {}).items()
              if route.get("action_plugin") == "citadel.secrets.vault_config"}
    expected = {p.stem for p in MODULES if p.name.startswith("vault_")} - set(NOT_IN_PROCESS) - {"vault_config"}
    assert routed == expected, "plugin_routing.modules in meta/runtime.yml: add %s, remove %s" % (
        sorted(expected - routed), sorted(routed - expected))
    assert (ROOT / "plugins" / "action" / "vault_config.py").is_file()
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        in_process = path.stem in routed or path.stem == "vault_config"
        documented = "citadel.secrets.attributes.IN_PROCESS" in text
        assert documented == in_process, "%s: the IN_PROCESS attributes fragment must be listed exactly when it " \
            "runs in-process" % path.name
        if in_process:  # the in-process runner replaces the module object new_module builds
            assert "AnsibleModule(" not in text and "CitadelModule(" not in text, path.name


def test_runtime_requires_ansible():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert runtime["requires_ansible"] == ">=2.17.0"


# --- plugin documentation -----------------------------------------------------------------------------------

def _check_plugin_docs(path, name_key):
    strings = _doc_strings(path)
    missing = [name for name in DOC_NAMES if name not in strings]
    assert not missing, "%s: no string %s" % (path.name, ", ".join(missing))

    parsed = {}
    for name, text in strings.items():
        try:
            parsed[name] = yaml.load(text, Loader=_ExamplesLoader) if name == "EXAMPLES" else yaml.safe_load(text)
        except yaml.YAMLError as exc:
            pytest.fail("%s: %s is not valid YAML: %s" % (path.name, name, exc))

    doc = parsed["DOCUMENTATION"]
    assert isinstance(doc, dict), "%s: DOCUMENTATION is not a mapping" % path.name
    assert doc.get(name_key) == path.stem, "%s: DOCUMENTATION.%s is %r" % (path.name, name_key, doc.get(name_key))
    assert doc.get("short_description"), "%s: no short_description" % path.name
    assert isinstance(parsed["EXAMPLES"], list) and parsed["EXAMPLES"], "%s: EXAMPLES is not a list of tasks" % path.name

    fragments = doc.get("extends_documentation_fragment") or []
    if isinstance(fragments, str):
        fragments = [fragments]
    for fragment in fragments:
        if not fragment.startswith(NAMESPACE + "."):
            continue  # another collection's fragment: ansible-doc and validate-modules resolve those
        parts = fragment[len(NAMESPACE) + 1:].split(".")
        classes = _fragment_classes(parts[0])
        assert classes is not None, "%s: doc fragment %s: no plugins/doc_fragments/%s.py" % (path.name, fragment, parts[0])
        attrs = classes.get("ModuleDocFragment", {})
        attr = parts[1] if len(parts) > 1 else "DOCUMENTATION"
        assert isinstance(attrs.get(attr), str), "%s: doc fragment %s: ModuleDocFragment has no %s" % (path.name, fragment, attr)
        yaml.safe_load(attrs[attr])
    return doc


@_skip_if_empty(MODULES, "modules")
@pytest.mark.parametrize("path", MODULES, ids=_ids(MODULES))
def test_module_documentation(path):
    doc = _check_plugin_docs(path, "module")
    argspec = _module_constants(path).get("ARGSPEC")
    keys = _dict_keys(argspec) if argspec is not None else None
    if keys is not None:
        documented = set((doc.get("options") or {}).keys())
        assert keys == documented, "%s: ARGSPEC options %s, documented %s" % (path.name, sorted(keys), sorted(documented))


@_skip_if_empty(LOOKUPS, "lookup plugins")
@pytest.mark.parametrize("path", LOOKUPS, ids=_ids(LOOKUPS))
def test_lookup_documentation(path):
    _check_plugin_docs(path, "name")


def _is_template(value):
    """A templated default ('{{ ... }}') cannot be stated in argument_specs; its description says it instead."""
    return isinstance(value, str) and "{{" in value


# --- roles --------------------------------------------------------------------------------------------------

@_skip_if_empty(ROLES, "roles")
@pytest.mark.parametrize("role", ROLES, ids=_ids(ROLES))
def test_role_argument_specs_match_defaults(role):
    specs_path = role / "meta" / "argument_specs.yml"
    assert specs_path.is_file(), "%s: no meta/argument_specs.yml" % role.name
    specs = yaml.safe_load(specs_path.read_text(encoding="utf-8"))["argument_specs"]
    assert "main" in specs, "%s: argument_specs has no main entry point" % role.name
    options = specs["main"].get("options") or {}

    defaults_path = role / "defaults" / "main.yml"
    defaults = {}
    if defaults_path.is_file():
        defaults = yaml.safe_load(defaults_path.read_text(encoding="utf-8")) or {}

    undocumented = sorted(set(defaults) - set(options))
    assert not undocumented, "%s: defaults/main.yml sets variables argument_specs does not declare: %s" % (role.name, undocumented)
    for name, spec in options.items():
        if "default" in spec:
            assert name in defaults, "%s: %s has a default in argument_specs but not in defaults/main.yml" % (role.name, name)
            assert spec["default"] == defaults[name], "%s: default of %s: argument_specs %r, defaults/main.yml %r" % (
                role.name, name, spec["default"], defaults[name])
        elif name in defaults and not _is_template(defaults[name]):
            pytest.fail("%s: %s has a default in defaults/main.yml but none in argument_specs" % (role.name, name))
