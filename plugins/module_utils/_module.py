# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module runner every backend shares: merge the backend's common options, validate before any
request, connect once, reconcile one resource (or read for ``*_info``), and turn errors into ``fail_json``.

A backend describes itself with a ``Backend``: its common argument spec, a ``validate(params)`` that checks
connection options offline, and a ``connect(params)`` returning the client handed to resources.
``_vault/_module.py`` and ``_cloud/_<provider>.py`` each define one.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile


class Backend:
    def __init__(self, argspec, validate, connect):
        self.argspec = argspec
        self.validate = validate
        self.connect = connect


def full_argspec(backend, argument_spec):
    spec = copy.deepcopy(backend.argspec)
    spec.update(argument_spec)
    return spec


class ModuleHelpers:
    """What module code calls beyond ``AnsibleModule``'s interface; shared by ``CitadelModule`` and the in-process
    runner of action plugins (``plugin_utils/_in_process.py``). Needs ``backend``, ``params`` and ``_client``."""

    def client(self):
        """The connected (and authenticated) client, created on first use."""
        if self._client is None:
            self._client = self.backend.connect(self.params)
        return self._client

    def fail_citadel(self, exc):
        extra = {k: v for k, v in (exc.details or {}).items() if k in ("status", "path", "applied", "not_applied")}
        self.fail_json(msg=exc.msg, **extra)

    def fail_unexpected(self, exc):
        # an unexpected bug: the type and traceback, never the locals (which may hold secrets)
        self.fail_json(msg="unexpected error in %s: %s" % (self._name, type(exc).__name__),
                       exception=traceback.format_exc())


class CitadelModule(ModuleHelpers, AnsibleModule):
    def __init__(self, backend, argument_spec, **kwargs):
        kwargs.setdefault("supports_check_mode", True)
        super().__init__(argument_spec=full_argspec(backend, argument_spec), **kwargs)
        self.backend = backend
        self._client = None


#: what builds the module object while module code runs inside the controller's worker (set by
#: ``plugin_utils/_in_process.py`` for the duration of one task); unset, module code builds ``CitadelModule``
_FACTORY = contextvars.ContextVar("citadel_module_factory", default=None)


def new_module(backend, argument_spec, **module_kwargs):
    """The module object for this run: an ``AnsibleModule`` in a module process, or the in-process runner's."""
    factory = _FACTORY.get()
    if factory is None:
        return CitadelModule(backend, argument_spec, **module_kwargs)
    return factory(backend, argument_spec, **module_kwargs)


@contextlib.contextmanager
def module_factory(factory):
    """While the block runs, ``new_module`` calls ``factory(backend, argument_spec, **module_kwargs)``."""
    token = _FACTORY.set(factory)
    try:
        yield
    finally:
        _FACTORY.reset(token)


def run_resource_module(backend, resource_class, argument_spec, **module_kwargs):
    """Validate, connect, reconcile one resource and exit."""
    module = new_module(backend, argument_spec, **module_kwargs)
    try:
        resource = resource_class(module.params)
        resource.validate()
        backend.validate(module.params)
        resource.bind(module.client())
        outcome = reconcile(resource, module.params.get("state") or "present", module.check_mode)
    except CitadelError as exc:
        module.fail_citadel(exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_unexpected(exc)
    module.exit_json(**outcome.result(module._diff))


def run_info_module(backend, read, argument_spec, **module_kwargs):
    """Validate, connect, call ``read(client, params) -> dict`` and exit unchanged."""
    module = new_module(backend, argument_spec, **module_kwargs)
    try:
        backend.validate(module.params)
        result = read(module.client(), module.params)
    except CitadelError as exc:
        module.fail_citadel(exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_unexpected(exc)
    module.exit_json(changed=False, **result)
