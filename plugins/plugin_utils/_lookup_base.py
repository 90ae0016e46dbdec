# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side base for every lookup of the collection: options, the term loop, and what to do when
a term names nothing (``on_missing``), is refused (``on_denied``) or is scheduled for deletion
(``on_deleted``). A lookup subclass implements ``prepare()`` (connect once) and ``lookup_term()``.

Options come, in Ansible's order of precedence, from the lookup's keyword arguments, then Ansible
variables, then environment variables, then ansible.cfg.
"""

from __future__ import annotations

from ansible import constants as C
from ansible.config.manager import ensure_type
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError

display = Display()


class Missing(CitadelError):
    """The term names nothing (or a version that is gone)."""


class Denied(CitadelError):
    """The server refused access to the term."""


class Deleted(CitadelError):
    """The term names something scheduled for deletion."""


_POLICY_OPTION = {Missing: "on_missing", Denied: "on_denied", Deleted: "on_deleted"}

#: resolved options by (plugin, keyword arguments, values of the variables the plugin reads), per process
_RESOLVED = {}
_RESOLVED_MAX = 256
#: per plugin, the names of the variables its options can come from
_VARIABLE_NAMES = {}


class CitadelLookupBase(LookupBase):
    """Subclasses implement ``prepare()`` -> context and ``lookup_term(context, term)`` -> list of values."""

    def run(self, terms, variables=None, **kwargs):
        self._raw_variables = variables or {}
        self._resolve_options(variables, kwargs)
        try:
            context = self.prepare()
        except CitadelError as exc:
            raise AnsibleLookupError("%s: %s" % (self.plugin_name(), exc.msg))
        results = []
        for term in terms:
            try:
                results.extend(self.lookup_term(context, term))
            except (Missing, Denied, Deleted) as exc:
                self._handle(_POLICY_OPTION[type(exc)], exc.msg)
            except CitadelError as exc:
                if (exc.details or {}).get("status") == 403:
                    self._handle("on_denied", exc.msg)
                else:
                    raise AnsibleLookupError("%s: %s" % (self.plugin_name(), exc.msg))
        return results

    def _resolve_options(self, variables, kwargs):
        """``set_options``, remembered per process for the same keyword arguments and the same values of the
        variables this plugin reads: a loop calls a lookup once per item with the same options, and Ansible's
        resolution of ~25 options costs more than the Vault read itself. Environment variables and
        ansible.cfg do not change while a process runs; anything else that could differ is in the key."""
        names = _VARIABLE_NAMES.get(self._load_name)
        if names is None:
            names = _VARIABLE_NAMES[self._load_name] = tuple(sorted({
                entry["name"] for definition in (self.option_definitions or {}).values()
                for entry in (definition.get("vars") or []) if entry.get("name")}))
        present = variables or {}
        self._direct_names = frozenset(kwargs)
        try:
            key = (self._load_name, repr(sorted(kwargs.items())),
                   repr([(name, present[name]) for name in names if name in present]))
        except Exception:  # pylint: disable=broad-except  # a value without a usable repr: resolve uncached
            key = None
        cached = _RESOLVED.get(key) if key else None
        if cached is not None:
            self._options = dict(cached[0])
            if cached[1] is not None:
                self._origins = dict(cached[1])
            return
        self.set_options(var_options=variables, direct=kwargs)
        if key:
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            origins = getattr(self, "_origins", None)  # ansible-core 2.18+ keeps them; 2.17 does not
            _RESOLVED[key] = (dict(self._options), dict(origins) if origins is not None else None)

    def prepare(self):
        return None

    def lookup_term(self, context, term):
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------------
    def plugin_name(self):
        return "citadel.secrets.%s" % self._load_name.split(".")[-1]

    def option(self, name):
        """``get_option``, with values that came from Ansible variables templated: lookups receive
        variables raw, so ``citadel_vault_secret_id: "{{ vaulted_secret }}"`` would otherwise arrive
        as the literal template text. The raw variable is templated and then converted to the option's
        type, so a ``type: path`` option is not resolved as a path while it is still template text."""
        if hasattr(self, "_origins"):
            value, origin = self.get_option_and_origin(name)
        else:  # ansible-core 2.17: set_options keeps the values only (its get_option_and_origin ignores them)
            value, origin = self.get_option(name), self._origin_2_17(name)
        if str(origin).startswith("var") and self._templar is not None:
            raw = (getattr(self, "_raw_variables", None) or {}).get(str(origin).split(":", 1)[-1].strip(), value)
            # only text with template markers needs the templar (a plain string templates to itself)
            if isinstance(raw, str) and ("{{" in raw or "{%" in raw):
                kind = (C.config.get_configuration_definitions(self.plugin_type, self._load_name).get(name) or {}) \
                    .get("type")
                value = self._templar.template(raw)
                value = ensure_type(value, kind) if kind and value is not None else value
        return value

    def _origin_2_17(self, name):
        """Where ``set_options`` took the value from, by the same precedence as Ansible's configuration: the
        lookup's keyword arguments, then the option's variables (the last one defined wins), then the rest."""
        if name in getattr(self, "_direct_names", ()):
            return "Direct"
        raw = getattr(self, "_raw_variables", None) or {}
        found = None
        for entry in ((self.option_definitions or {}).get(name) or {}).get("vars") or []:
            if entry.get("name") in raw:
                found = entry["name"]
        return "var: %s" % found if found else "config"

    def options(self, names):
        return {name: self.option(name) for name in names}

    def _handle(self, option, msg):
        try:
            action = self.get_option(option)
        except KeyError:  # the lookup does not offer this policy: an error
            action = "error"
        if action == "error":
            raise AnsibleLookupError("%s: %s" % (self.plugin_name(), msg))
        if action == "warn":
            display.warning("%s: %s" % (self.plugin_name(), msg))
