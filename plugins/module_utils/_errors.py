# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions shared by every backend.

Modules and lookups catch ``CitadelError`` in exactly one place each (the module base and the lookup
base) and turn it into ``fail_json`` or ``AnsibleError``. Messages never contain secret values: callers
build them from paths, option names and the server's own error text only.
"""

from __future__ import annotations


class CitadelError(Exception):
    """Base class: ``str(err)`` is the message shown to the user."""

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.msg = msg
        self.details = details


class OptionError(CitadelError):
    """Bad input detected before any request was sent."""


class BackendUnavailable(CitadelError):
    """The server could not be reached (after retries), TLS failed, or it is sealed."""


class PartialApplyError(CitadelError):
    """A multi-step change failed part-way; ``details`` says what was and was not applied."""

    def __init__(self, msg, applied, not_applied, cause):
        full = "%s: %s. Applied: %s. Not applied: %s." % (
            msg, cause, ", ".join(applied) or "nothing", ", ".join(not_applied) or "nothing")
        super().__init__(full, applied=list(applied), not_applied=list(not_applied))
