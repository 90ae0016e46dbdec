# -*- coding: utf-8 -*-
# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one AWS client factory: options, credentials, retry, and error translation for every AWS module and lookup.

``ARGSPEC`` is merged into every AWS module's argument spec (environment fallbacks as boto3 users expect);
lookups declare the same options through the ``aws`` doc fragment (``.PLUGINS`` adds ``citadel_aws_*``
variables) and pass the resolved values to ``connect``. Every API call goes through ``AwsSession.call``,
which turns botocore's exceptions into ``CitadelError`` subclasses naming the operation, the resource and
AWS's own error code and message, with any secret value that could be echoed scrubbed out.
"""

from __future__ import annotations

import copy
import json
import os
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.citadel.secrets.plugins.module_utils import _client_cache, _module, _redact
from ansible_collections.citadel.secrets.plugins.module_utils._errors import (
    BackendUnavailable, CitadelError, OptionError)

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import (
        BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError, NoCredentialsError,
        NoRegionError, ParamValidationError, PartialCredentialsError, ProfileNotFound, ReadTimeoutError, SSLError)
    HAS_BOTO3 = True
except ImportError:  # reported by validate(), so a module without boto3 fails with a clear message
    HAS_BOTO3 = False

ARGSPEC = dict(
    region=dict(type="str", aliases=["aws_region"], fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])),
    # credentials and profile: when not given, boto3 resolves them itself (AWS_ACCESS_KEY_ID, AWS_PROFILE,
    # ~/.aws, SSO, web identity, container and instance roles) with its own precedence
    profile=dict(type="str", aliases=["aws_profile"]),
    access_key=dict(type="str", aliases=["aws_access_key_id"], no_log=False),
    secret_key=dict(type="str", aliases=["aws_secret_access_key"], no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"], fallback=(env_fallback, ["AWS_ENDPOINT_URL"])),
    ca_bundle=dict(type="path", aliases=["aws_ca_bundle"], fallback=(env_fallback, ["AWS_CA_BUNDLE"])),
    validate_certs=dict(type="bool", default=True),
    max_attempts=dict(type="int", default=5),
)

OPTIONS = tuple(ARGSPEC)
MAX_ATTEMPTS_LIMIT = 20

#: error codes that mean "you may not": mapped to status 403 so lookups apply on_denied
DENIED_CODES = frozenset(("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                          "AuthorizationError", "KMSAccessDeniedException", "403"))
#: error codes that mean the credentials themselves were rejected
BAD_CREDENTIAL_CODES = frozenset(("InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
                                  "InvalidSignatureException", "ExpiredToken", "ExpiredTokenException",
                                  "IncompleteSignature", "AuthFailure"))
NOT_FOUND_CODES = frozenset(("ResourceNotFoundException", "NotFoundException", "NoSuchEntity", "404"))

_SECRET_PARAMS = ("SecretString", "SecretBinary", "Plaintext", "SecretAccessKey", "SessionToken")
_XML_ERROR = re.compile(r"<Code>([^<]*)</Code>\s*<Message>([^<]*)</Message>", re.S)


class AwsApiError(CitadelError):
    """AWS answered with an error: ``code`` is AWS's error code, ``status`` the HTTP-like status."""

    def __init__(self, msg, operation, resource, code, status):
        self.operation, self.resource, self.code, self.status = operation, resource, code, status
        super().__init__(msg, status=status, path=resource, code=code)


# -- options -----------------------------------------------------------------------------------------
def settings(options):
    """Validate connection options offline; return the dict ``connect`` uses."""
    if not HAS_BOTO3:
        raise CitadelError("the AWS modules and lookups need the boto3 and botocore Python packages on the host "
                           "that runs them (pip install boto3)")
    result = {name: options.get(name) for name in OPTIONS}
    endpoint = result["endpoint_url"]
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise OptionError("endpoint_url must start with http:// or https://, got %r" % endpoint)
    if bool(result["access_key"]) != bool(result["secret_key"]):
        raise OptionError("access_key and secret_key must be given together (or neither, to use a profile or the "
                          "default credential chain)")
    if result["profile"] and result["access_key"]:
        raise OptionError("give either profile or access_key/secret_key, not both")
    if result["session_token"] and not result["access_key"]:
        raise OptionError("session_token needs access_key and secret_key")
    bundle = result["ca_bundle"]
    if bundle and not os.path.isfile(bundle):
        raise OptionError("ca_bundle: file %s does not exist" % bundle)
    attempts = result["max_attempts"]
    if attempts is None:
        attempts = 5
    if isinstance(attempts, bool) or not 1 <= int(attempts) <= MAX_ATTEMPTS_LIMIT:
        raise OptionError("max_attempts must be between 1 and %d, got %r" % (MAX_ATTEMPTS_LIMIT, attempts))
    result["max_attempts"] = int(attempts)
    if result["validate_certs"] is None:
        result["validate_certs"] = True
    region = result["region"]
    if region and not re.match(r"^[a-z]{2,}(-[a-z]+)+-\d+$", region):
        raise OptionError("region %r does not look like an AWS region (for example us-east-1)" % region)
    return result


def validate(options):
    settings(options)


def fingerprint(options):
    """A digest of the connection options: the cache key for sessions, never the credentials themselves."""
    return _client_cache.fingerprint(options, OPTIONS)


# -- the session -------------------------------------------------------------------------------------
class AwsSession:
    """One boto3 session and its clients (per service and region), shared by every call of a run."""

    def __init__(self, options):
        self.settings = settings(options)
        s = self.settings
        try:
            self.session = boto3.session.Session(
                aws_access_key_id=s["access_key"] or None, aws_secret_access_key=s["secret_key"] or None,
                aws_session_token=s["session_token"] or None, region_name=s["region"] or None,
                profile_name=s["profile"] or None)
        except ProfileNotFound as exc:
            raise OptionError("profile: %s" % exc)
        self.region = self.session.region_name
        if not self.region:
            raise OptionError("no AWS region: set the region option, AWS_REGION (or AWS_DEFAULT_REGION), or a region "
                              "in the profile")
        self._clients = {}
        self._config = Config(retries={"mode": "adaptive", "max_attempts": s["max_attempts"]},
                              user_agent_extra="citadel.secrets")

    def credentials(self):
        """The resolved credentials (botocore ``Credentials``): resolving them is the one step that may call a
        service (STS for an assume-role profile or web identity, SSO, the instance metadata service)."""
        try:
            found = self.session.get_credentials()
        except ClientError as exc:
            raise translate_client_error(exc, "resolving AWS credentials", "GetCredentials", None)
        except BotoCoreError as exc:
            raise OptionError("cannot resolve AWS credentials: %s: %s" % (type(exc).__name__, exc))
        if found is None:
            raise OptionError("no AWS credentials found: give access_key and secret_key, a profile, or the AWS_* "
                              "environment variables (or run where an instance role or container credentials are "
                              "available)")
        return found

    def client(self, service, region=None):
        key = (service, region or self.region)
        if key not in self._clients:
            s = self.settings
            verify = False if not s["validate_certs"] else (s["ca_bundle"] or None)
            self._clients[key] = self.session.client(service, region_name=key[1], endpoint_url=s["endpoint_url"] or None,
                                                     verify=verify, config=self._config)
        return self._clients[key]

    def call(self, service, method, resource=None, region=None, missing_ok=False, secrets=(), **kwargs):
        """``client.<method>(**kwargs)`` without ``ResponseMetadata``; ``None`` for a missing resource when
        ``missing_ok``. ``secrets`` (and secret-valued parameters) are scrubbed from any error text."""
        client = self.client(service, region)
        scrub = list(secrets) + [kwargs[name] for name in _SECRET_PARAMS if isinstance(kwargs.get(name), str)]
        operation = client.meta.method_to_api_mapping.get(method, method)
        where = "%s %s%s%s" % (service, operation, " on %r" % resource if resource else "",
                               " in %s" % region if region and region != self.region else "")
        try:
            response = getattr(client, method)(**kwargs)
        except ClientError as exc:
            error = translate_client_error(exc, where, operation, resource, scrub)
            if missing_ok and error.status == 404:
                return None
            raise error
        except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as exc:
            raise BackendUnavailable("%s: cannot reach AWS%s: %s" % (
                where, " at %s" % self.settings["endpoint_url"] if self.settings["endpoint_url"] else "",
                _redact.scrub_text(str(exc), scrub)))
        except SSLError as exc:
            raise BackendUnavailable("%s: TLS failed (%s); set ca_bundle to the CA that signed the endpoint's "
                                     "certificate" % (where, _redact.scrub_text(str(exc), scrub)))
        except (NoCredentialsError, PartialCredentialsError) as exc:
            raise OptionError("%s: %s: give access_key and secret_key, a profile, or the AWS_* environment variables "
                              "(or run where an instance role or container credentials are available)" % (where, exc))
        except NoRegionError:
            raise OptionError("%s: no AWS region: set the region option or AWS_REGION" % where)
        except ParamValidationError as exc:
            raise OptionError("%s: %s" % (where, _redact.scrub_text(str(exc), scrub)))
        except BotoCoreError as exc:
            raise CitadelError("%s failed: %s: %s" % (where, type(exc).__name__, _redact.scrub_text(str(exc), scrub)))
        response.pop("ResponseMetadata", None)
        return response

    def paginate(self, service, method, key, resource=None, region=None, **kwargs):
        """Every item under ``key`` of every page (follows ``NextToken``/``Marker``)."""
        items, token_in, token_out = [], None, None
        while True:
            args = dict(kwargs)
            if token_in:
                args[token_in] = token_out
            page = self.call(service, method, resource=resource, region=region, **args)
            items.extend(page.get(key) or [])
            if page.get("NextToken"):
                token_in, token_out = "NextToken", page["NextToken"]
            elif page.get("Truncated") and page.get("NextMarker"):
                token_in, token_out = "Marker", page["NextMarker"]
            else:
                return items


def translate_client_error(exc, where, operation, resource, scrub=()):
    error = exc.response.get("Error") or {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "")
    http = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    match = _XML_ERROR.search(message)
    if match:  # a JSON-protocol service answered by an XML-speaking proxy (or an emulator)
        code, message = match.group(1), match.group(2)
    message = _redact.scrub_text(message.strip(), scrub)
    if code in DENIED_CODES:
        status = 403
    elif code in BAD_CREDENTIAL_CODES:
        status = 401
    elif code in NOT_FOUND_CODES:
        status = 404
    else:
        status = http or 400
    msg = "%s failed: %s: %s" % (where, code, message or "no error message")
    if status == 401:
        msg += " (the AWS credentials in use were rejected: check access_key/secret_key, session_token or profile)"
    elif status == 403:
        msg += " (the AWS identity in use lacks a permission for this action or resource)"
    return AwsApiError(msg, operation, resource, code, status)


def connect(options):
    return AwsSession(options)


# -- shared helpers for AWS resources -----------------------------------------------------------------
def parse_policy(value, option):
    """A policy document given as a dict or JSON text, as a dict; ``OptionError`` if it is neither."""
    if isinstance(value, dict):
        try:
            return json.loads(json.dumps(value))
        except (TypeError, ValueError):
            raise OptionError("%s: the policy must be JSON-serialisable" % option)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise OptionError("%s is not valid JSON: %s" % (option, exc))
        if not isinstance(parsed, dict):
            raise OptionError("%s must be a JSON object (a policy document)" % option)
        return parsed
    raise OptionError("%s must be a policy document, as a dict or JSON text" % option)


_LIST_KEYS = frozenset(("Action", "NotAction", "Resource", "NotResource", "AWS", "Service", "Federated",
                        "CanonicalUser"))


def canonical_policy(policy):
    """A policy normalised for comparison only: one-element lists and scalars are the same, order of values in
    Action/Resource/Principal lists does not matter, and statements compare as a sorted list."""
    def walk(node, key=None):
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            items = [walk(v) for v in node]
            if key in _LIST_KEYS or key == "Statement":
                return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
            return items
        if key in _LIST_KEYS and isinstance(node, str):
            return [node]
        return node
    return walk(copy.deepcopy(policy)) if policy is not None else None


def tags_to_dict(tags, key="Key", value="Value"):
    return {t[key]: t.get(value, "") for t in tags or ()}


def tags_from_dict(tags, key="Key", value="Value"):
    return [{key: k, value: v} for k, v in sorted(tags.items())]


def validate_tags(tags):
    if tags is None:
        return None
    if not isinstance(tags, dict):
        raise OptionError("tags must be a dict of tag names and values")
    result = {}
    for name, value in tags.items():
        if isinstance(value, (dict, list)) or value is None:
            raise OptionError("tags: the value of %r must be a string" % name)
        result[str(name)] = str(value)
    return result


def plan_tags(current, wanted, purge):
    """The tags after the task: ``wanted`` plus, without ``purge``, the current ones not named in it."""
    if wanted is None:
        return dict(current or {})
    result = {} if purge else dict(current or {})
    result.update(wanted)
    return result


def tag_steps(call, id_args, current, target, key="Key", value="Value"):
    """Steps turning tags ``current`` into ``target`` with ``call("untag_resource"/"tag_resource", **id_args, ...)``."""
    steps = []
    removed = sorted(set(current) - set(target))
    changed = {k: v for k, v in target.items() if current.get(k) != v}
    if removed:
        steps.append(("untag %s" % ", ".join(removed), lambda: call("untag_resource", TagKeys=removed, **id_args)))
    if changed:
        steps.append(("tag %s" % ", ".join(sorted(changed)),
                      lambda: call("tag_resource", Tags=tags_from_dict(changed, key, value), **id_args)))
    return steps


# -- the backend for the shared module runner ---------------------------------------------------------
BACKEND = _module.Backend(copy.deepcopy(ARGSPEC), validate, connect)


def run_resource_module(resource_class, argument_spec, **module_kwargs):
    _module.run_resource_module(BACKEND, resource_class, argument_spec, **module_kwargs)


def run_info_module(read, argument_spec, **module_kwargs):
    _module.run_info_module(BACKEND, read, argument_spec, **module_kwargs)
