# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``vault_config`` task: its options and what one run does, for both ways it runs - as a module in its own
process (``plugins/modules/vault_config.py``) and in the controller's worker (``plugins/action/vault_config.py``)."""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, PartialApplyError
from ansible_collections.citadel.secrets.plugins.module_utils._vault._module import BACKEND
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config._plan import ConfigPlan, login_mount
from ansible_collections.citadel.secrets.plugins.module_utils._vault.config._sections import (
    PRUNABLE, document_secrets, document_values)

ARGSPEC = dict(
    # no_log keeps the document out of the host's log; run() narrows the masking down to its secret values
    config=dict(type="dict", required=True, no_log=True),
    prune=dict(type="list", elements="str", default=[], choices=list(PRUNABLE)),
    protect=dict(type="list", elements="str", default=[]),
    concurrency=dict(type="int", default=8),
)


def unmask_document(module):
    """``no_log`` on ``config`` masks every value of the document in the output, names included. Keep masked
    only the values of the modules' secret options (and of anything unrecognised) and the connection's secrets."""
    document = module.params["config"]
    keep = document_secrets(document)
    keep.update(str(module.params[key]) for key, spec in BACKEND.argspec.items()
                if spec.get("no_log") and module.params.get(key) not in (None, ""))
    module.no_log_values = (module.no_log_values - document_values(document)) | keep


def run(module):
    """Plan, report, apply; ends with ``module.exit_json`` or ``module.fail_json``."""
    unmask_document(module)
    plan = None
    try:
        plan = ConfigPlan(module.params["config"], module.params["prune"], module.params["protect"],
                          module.params["concurrency"])
        BACKEND.validate(module.params)
        client = module.client()
        plan.plan(client, login_mount(client, module.params) if plan.prune else None, module.check_mode)
        result = dict(changed=plan.changed(), plan=plan.entries(), counts=plan.counts(), protected=plan.protected)
        if module._diff:
            result["diff"] = plan.diffs()
        if result["changed"] and not module.check_mode:
            plan.apply(client)
    except PartialApplyError as exc:
        module.fail_json(msg=exc.msg, changed=bool(exc.details.get("applied")), plan=plan.entries(),
                         counts=plan.counts(), protected=plan.protected, applied=exc.details["applied"],
                         not_applied=exc.details["not_applied"])
    except CitadelError as exc:
        module.fail_citadel(exc)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.fail_unexpected(exc)
    module.exit_json(**result)
