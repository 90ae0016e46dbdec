# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloud secret stores, each checked only when its options are given, through the collection's one client
factory per provider (``_cloud/_aws.py``, ``_azure.py``, ``_gcp.py``, whose SDK imports are guarded: a missing
SDK is reported as a clear error when that part is asked for, and nothing else needs it).

- ``aws``: Secrets Manager secrets of the region without rotation (``aws.secret_no_rotation``, medium).
- ``azure``: enabled Key Vault secrets without an expiry date (``azure.secret_no_expiry``, medium); secrets that
  back a Key Vault certificate (``managed``) follow the certificate's lifecycle and are skipped.
- ``gcp``: Secret Manager secrets of the project with neither an expiry (``expire_time``/``ttl``) nor a rotation
  schedule (``gcp.secret_no_expiry``, medium).

Only names and properties are listed; no secret value is read. At most ``max_items`` secrets per store.
"""

from __future__ import annotations

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _aws, _azure, _gcp
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    BackendUnavailable, CitadelError, OptionError)

DENIED = (401, 403)


def validate(options):
    """Offline validation of each configured part (raises ``OptionError``/``CitadelError``)."""
    if options.get("aws") is not None:
        _aws.settings(options["aws"])
    if options.get("azure") is not None:
        _azure.settings(options["azure"])
    if options.get("gcp") is not None:
        s = _gcp.settings(options["gcp"])
        if not s["project"]:
            raise OptionError("gcp.project is required to list the secrets of a project (or set "
                              "GOOGLE_CLOUD_PROJECT)")


def _denied(audit, check, exc, what):
    if exc.details.get("status") not in DENIED:
        raise exc
    audit.incomplete(check, what, "%s was not checked: %s" % (what, exc.msg),
                     "give the identity in use permission to list the secrets and read their properties")


def check_aws(audit):
    session = _aws.AwsSession(audit.options["aws"])
    limit, secrets, token = audit.options["max_items"], [], None
    where = "Secrets Manager in %s" % session.region
    try:
        while len(secrets) < limit:
            kwargs = {"MaxResults": 100}
            if token:
                kwargs["NextToken"] = token
            page = session.call("secretsmanager", "list_secrets", **kwargs)
            secrets.extend(page.get("SecretList") or [])
            token = page.get("NextToken")
            if not token:
                break
    except CitadelError as exc:
        _denied(audit, "aws", exc, where)
        return
    if token or len(secrets) > limit:
        audit.incomplete("aws", where, "only the first %d secrets were checked (max_items)" % limit,
                         "raise max_items to check every secret")
        secrets = secrets[:limit]
    for secret in secrets:
        if secret.get("DeletedDate"):
            continue
        audit.count("aws secrets")
        if secret.get("RotationEnabled"):
            continue
        name = secret.get("Name") or secret.get("ARN")
        audit.add("aws.secret_no_rotation", "medium", "aws", "secretsmanager/%s/%s" % (session.region, name),
                  "AWS Secrets Manager secret %r has no rotation configured" % name,
                  "turn rotation on with a rotation function (citadel.secrets.aws_secret with rotation_lambda_arn "
                  "and rotation_schedule), or move the credential to a dynamic Vault secrets engine",
                  arn=secret.get("ARN"), last_changed=_iso(secret.get("LastChangedDate")))


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def check_azure(audit):
    vault = _azure.KeyVault(audit.options["azure"])
    limit, found, truncated = audit.options["max_items"], [], False
    try:
        try:
            for props in vault.client.list_properties_of_secrets():
                if len(found) >= limit:
                    truncated = True
                    break
                found.append(props)
        except _azure.HttpResponseError as exc:
            raise vault.translate(exc, "list", None)
        except (_azure.ServiceRequestError, _azure.ServiceResponseError) as exc:
            raise BackendUnavailable("Key Vault list: cannot reach %s: %s" % (vault.url, exc))
    except CitadelError as exc:
        _denied(audit, "azure", exc, "Key Vault %s" % vault.url)
        return
    finally:
        vault.close()
    if truncated:
        audit.incomplete("azure", vault.url, "only the first %d secrets were checked (max_items)" % limit,
                         "raise max_items to check every secret")
    for props in found:
        if props.enabled is False or props.managed:
            continue
        audit.count("azure secrets")
        if props.expires_on is not None:
            continue
        audit.add("azure.secret_no_expiry", "medium", "azure", "%s/secrets/%s" % (vault.url, props.name),
                  "Key Vault secret %r has no expiry date" % props.name,
                  "set an expiry date (citadel.secrets.azure_keyvault_secret expires_on) and rotate the secret "
                  "before it, for example with an Event Grid SecretNearExpiry subscription",
                  updated=_iso(props.updated_on))


def check_gcp(audit):
    sm = _gcp.SecretManager(audit.options["gcp"])
    parent = "projects/%s" % sm.project
    limit, found, token = audit.options["max_items"], [], ""
    try:
        while len(found) < limit:
            page = sm.call("list", parent, "list_secrets", {"parent": parent, "page_size": 250, "page_token": token})
            found.extend(_gcp.secretmanager.Secret.to_dict(secret, use_integers_for_enums=False)
                         for secret in page.secrets)
            token = page.next_page_token
            if not token:
                break
    except CitadelError as exc:
        _denied(audit, "gcp", exc, "Secret Manager in %s" % parent)
        return
    finally:
        sm.close()
    if token or len(found) > limit:
        audit.incomplete("gcp", parent, "only the first %d secrets were checked (max_items)" % limit,
                         "raise max_items to check every secret")
        found = found[:limit]
    for secret in found:
        audit.count("gcp secrets")
        rotation = secret.get("rotation") or {}
        if secret.get("expire_time") or secret.get("ttl") or rotation.get("rotation_period") \
                or rotation.get("next_rotation_time"):
            continue
        name = secret.get("name") or ""
        audit.add("gcp.secret_no_expiry", "medium", "gcp", name,
                  "Secret Manager secret %r has neither an expiry nor a rotation schedule" % name.rsplit("/", 1)[-1],
                  "set a rotation schedule (citadel.secrets.gcp_secret rotation_period, next_rotation_time and "
                  "topics) and rotate on its notifications, or an expire_time for a secret that must not outlive "
                  "a date")
