# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # What a lookup does when a secret is missing or access is denied (plugin_utils/_lookup_base.py).
    DOCUMENTATION = r"""
options:
  on_missing:
    description:
      - What to do when a secret does not exist (or its requested version is deleted).
      - V(error) fails the task, V(warn) warns and leaves the term out of the result, V(skip) leaves it out silently.
    type: str
    choices: [error, warn, skip]
    default: error
  on_denied:
    description:
      - What to do when the server denies access (HTTP 403).
      - V(error) fails the task, V(warn) warns and leaves the term out of the result, V(skip) leaves it out silently.
    type: str
    choices: [error, warn, skip]
    default: error
"""
