# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No authentication: requests carry no token (for unauthenticated endpoints such as sys/health or unwrap)."""

from __future__ import annotations

NAME = "none"
DEFAULT_MOUNT = None


def validate(options):
    pass


def login_payload(options):
    return None
