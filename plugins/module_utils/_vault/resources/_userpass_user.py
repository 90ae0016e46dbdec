# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Userpass users: ``auth/<mount>/users/<name>``.

State: the ``token_*`` fields of ``_token_fields``. The password (or its bcrypt hash) is write-only: the server
never returns it, so it cannot be compared. It is written when the user is created and, with
``update_password: always``, on every run (reported as a change); in plans and diffs it appears as a marker
only. Both servers lower-case user names, so ``Alice`` and ``alice`` are the same user.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.citadel.secrets.plugins.module_utils._errors import OptionError
from ansible_collections.citadel.secrets.plugins.module_utils._redact import SECRET_CHANGED
from ansible_collections.citadel.secrets.plugins.module_utils._vault import _token_fields
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._approle_role import (
    check_name, check_token_combination)
from ansible_collections.citadel.secrets.plugins.module_utils._vault.resources._auth_common import AuthRoleResource

UPDATE_PASSWORD = ("always", "on_create")
_BCRYPT = re.compile(r"\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}")


class UserpassUserResource(AuthRoleResource):
    kind = "userpass user"
    result_key = "user"
    method = "userpass"
    types = ("userpass",)
    default_mount = "userpass"
    secret_paths = ("password",)
    #: options of citadel.secrets.vault_userpass_user (and of a ``userpass_users`` entry of citadel.secrets.vault_config)
    argspec = dict(
        name=dict(type="str", required=True),
        mount=dict(type="str", default="userpass"),
        user_password=dict(type="str", no_log=True),
        password_hash=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    argspec.update(copy.deepcopy(_token_fields.ARGSPEC))
    #: AnsibleModule arguments that go with ``argspec``
    argspec_kwargs = dict(mutually_exclusive=[("user_password", "password_hash")])

    def __init__(self, params, client=None):
        super().__init__(params, client)
        self._password_planned = False

    @property
    def role_name(self):
        return (self.params.get("name") or "").strip().lower()

    @property
    def path(self):
        return "auth/%s/users/%s" % (self.mount, self.role_name)

    @property
    def name(self):
        return "userpass user %r at auth/%s/" % (self.role_name, self.mount)

    def validate(self):
        super().validate()
        check_name(self.role_name, "name")
        if self.params.get("update_password", "on_create") not in UPDATE_PASSWORD:
            raise OptionError("update_password must be always or on_create")
        if self.params.get("user_password") is not None and self.params.get("password_hash") is not None:
            raise OptionError("user_password and password_hash are mutually exclusive")
        if self.params.get("user_password") == "":
            raise OptionError("user_password cannot be empty")
        pw_hash = self.params.get("password_hash")
        if pw_hash is not None and not _BCRYPT.fullmatch(pw_hash.strip()):
            # never echo the value
            raise OptionError("password_hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters)")

    def own_normalise(self, data):
        return {}

    def own_desired(self):
        return {}

    def _secret(self):
        """(API field, value) of the password the task gives, or ``None``."""
        if self.params.get("user_password") is not None:
            return "password", self.params["user_password"]
        if self.params.get("password_hash") is not None:
            return "password_hash", self.params["password_hash"].strip()
        return None

    def target(self, current, state):
        target = super().target(current, state)
        if target is None:
            return None
        check_token_combination(target, self.name)
        secret = self._secret()
        if current is None and secret is None:
            raise OptionError("%s does not exist; creating it needs user_password or password_hash" % self.name)
        if secret is not None and (current is None or self.params.get("update_password") == "always"):
            target["password"] = SECRET_CHANGED  # a marker: the value itself never enters a state
            self._password_planned = True
        return target

    def _body(self, fields):
        body = _token_fields.body(fields)
        if "password" in fields:
            key, value = self._secret()
            body[key] = value
        return body

    def create(self, target):
        fields = dict(self.desired())
        if "password" in target:
            fields["password"] = target["password"]
        self.client.write(self.path, self._body(fields))
        return self.read()

    def update(self, current, target, delta):
        self.client.write(self.path, self._body(delta))
        return self.read()

    def present(self, state):
        return {key: value for key, value in (state or {}).items() if key != "password"}

    def extra_result(self, current, target, changed):
        return {"password_changed": bool(changed and self._password_planned)}
