# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: gcp_secret
short_description: Read secrets from Google Cloud Secret Manager
version_added: 0.1.0
description:
  - Returns the value of one or more Secret Manager secrets, the latest version or a given one.
  - Resolves credentials once per credential set in each process and reuses the client for every term and task.
  - The returned values are secrets. Set C(no_log=true) on tasks that use them in ways Ansible prints.
extends_documentation_fragment:
  - citadel.secrets.gcp
  - citadel.secrets.gcp.PLUGINS
  - citadel.secrets.lookup_errors
options:
  _terms:
    description:
      - Secret IDs (in O(project)), or full names C(projects/PROJECT/secrets/ID), optionally with
        C(/versions/VERSION), which then overrides O(version) for that term.
    type: list
    elements: str
    required: true
  version:
    description:
      - Version to read, a number or an alias; V(latest) is the most recently created version.
    type: str
    default: latest
notes:
  - A secret or version that does not exist, and a version that is disabled or destroyed, count as missing
    (O(on_missing)); HTTP 403 counts as denied (O(on_denied)).
  - Values must be UTF-8 text; a binary payload fails the lookup.
author:
  - Citadel maintainers (@citadel-secrets)
"""

EXAMPLES = r"""
- name: Use a secret (Application Default Credentials, project from GOOGLE_CLOUD_PROJECT)
  ansible.builtin.template:
    src: app.conf.j2
    dest: /etc/app/app.conf
    mode: "0600"
  vars:
    db_password: "{{ lookup('citadel.secrets.gcp_secret', 'db-password') }}"
  no_log: true

- name: A pinned version from another project, and a secret that may not exist yet
  ansible.builtin.set_fact:
    keys: "{{ query('citadel.secrets.gcp_secret', 'projects/shared-prod/secrets/api-key/versions/3', 'new-api-key',
                    project='my-project', on_missing='skip') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One value per term found (secret values, strings).
  type: list
  elements: str
"""

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _gcp
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError
from ansible_collections.citadel.secrets.plugins.plugin_utils._lookup_base import CitadelLookupBase, Missing


def parse_term(term, version, project):
    """``(full secret name, version)`` from an ID or a full name with an optional ``/versions/V``."""
    term = (term or "").strip().strip("/")
    match = _gcp.FULL_NAME.match(term)
    if match and match.group("version"):
        version = match.group("version")
        term = term.rsplit("/versions/", 1)[0]
    full, dummy, dummy = _gcp.secret_path(term, project)
    version = str(version or "latest")
    if not (version == "latest" or version.isdigit() or _gcp.SECRET_ID.match(version)):
        raise CitadelError("version %r is not a version number or alias" % version)
    return full, version


class LookupModule(CitadelLookupBase):
    def prepare(self):
        options = self.options(_gcp.OPTIONS)
        return _gcp.cached_client(options), self.option("version")

    def lookup_term(self, context, term):
        client, version = context
        full, version = parse_term(term, version, client.project)
        name = "%s/versions/%s" % (full, version)
        try:
            response = client.call("access", name, "access_secret_version", {"name": name}, missing_ok=True)
        except CitadelError as exc:
            if exc.details.get("reason") == "FAILED_PRECONDITION":
                raise Missing("%s is disabled or destroyed" % name)
            raise
        if response is None:
            raise Missing("no secret version %s" % name)
        try:
            return [response.payload.data.decode("utf-8")]
        except UnicodeDecodeError:
            raise CitadelError("%s is binary, not UTF-8 text" % name)
