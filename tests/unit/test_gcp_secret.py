# Copyright: citadel.secrets contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""gcp_secret planning for the fields drongo does not store (annotations, topics, rotation, expiry, ttl), the
update mask, and option checks, against an in-memory fake of the client wrapper that keeps real proto messages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

secretmanager = pytest.importorskip("google.cloud.secretmanager")

from ansible_collections.citadel.secrets.plugins.module_utils._cloud import _gcp  # noqa: E402
from ansible_collections.citadel.secrets.plugins.module_utils._cloud.resources._gcp_secret import (  # noqa: E402
    GcpSecretResource)
from ansible_collections.citadel.secrets.plugins.module_utils._errors import CitadelError, OptionError  # noqa: E402
from ansible_collections.citadel.secrets.plugins.module_utils._reconcile import reconcile  # noqa: E402

NAME = "projects/p/secrets/s"
TOPIC = "projects/p/topics/t"


class _Page:
    def __init__(self, versions):
        self.versions, self.next_page_token = versions, ""


class FakeSecretManager:
    """Just enough of ``_gcp.SecretManager``: stores a Secret proto and versions; honours update masks."""

    endpoint = "fake"
    project = "p"

    def __init__(self):
        self.secret = None
        self.versions = {}
        self.calls = []

    def secret_path(self, name):
        return _gcp.secret_path(name, self.project)

    def call(self, operation, resource, method, request, secrets=(), missing_ok=False):
        self.calls.append(method)
        return getattr(self, method)(request, missing_ok)

    def get_secret(self, request, missing_ok):
        return self.secret if self.secret is not None else None

    def list_secret_versions(self, request, missing_ok):
        return _Page([secretmanager.SecretVersion(name="%s/versions/%s" % (NAME, n), state=s)
                      for n, (s, dummy) in self.versions.items()])

    def access_secret_version(self, request, missing_ok):
        number = request["name"].rsplit("/", 1)[-1]
        return secretmanager.AccessSecretVersionResponse(payload={"data": self.versions[number][1]})

    def create_secret(self, request, missing_ok):
        body = dict(request["secret"])
        ttl = body.pop("ttl", None)
        self.secret = secretmanager.Secret(name=NAME, create_time=datetime(2030, 1, 1, tzinfo=timezone.utc), **body)
        if ttl is not None:
            self.secret.expire_time = datetime(2030, 1, 1, 0, 0, 1, tzinfo=timezone.utc) + ttl
        return self.secret

    def update_secret(self, request, missing_ok):
        new = secretmanager.Secret(**request["secret"])
        for path in request["update_mask"].paths:
            if path in ("rotation", "expire_time") and path not in new:
                secretmanager.Secret.pb(self.secret).ClearField(path)
            else:
                setattr(self.secret, path, getattr(new, path))
        return self.secret

    def add_secret_version(self, request, missing_ok):
        number = str(len(self.versions) + 1)
        assert request["payload"]["data_crc32c"] == _gcp.crc32c(request["payload"]["data"])
        self.versions[number] = (1, request["payload"]["data"])

    def disable_secret_version(self, request, missing_ok):
        number = request["name"].rsplit("/", 1)[-1]
        self.versions[number] = (2, self.versions[number][1])

    def destroy_secret_version(self, request, missing_ok):
        number = request["name"].rsplit("/", 1)[-1]
        self.versions[number] = (3, b"")

    def delete_secret(self, request, missing_ok):
        self.secret, self.versions = None, {}


def params(**given):
    base = dict(name="s", value=None, replication=None, replicas=None, kms_key_name=None, labels=None,
                annotations=None, topics=None, rotation_period=None, next_rotation_time=None, expire_time=None,
                ttl=None, disable_previous=False, destroy_previous=False, return_value=False, state="present")
    base.update(given)
    return base


def run(fake, check=False, **given):
    resource = GcpSecretResource(params(**given))
    resource.validate()
    resource.bind(fake)
    return reconcile(resource, given.get("state", "present"), check).result(True)


@pytest.fixture
def fake():
    return FakeSecretManager()


def test_create_with_everything_then_unchanged(fake):
    options = dict(value="v1", labels={"team": "a"}, annotations={"owner": "me"}, topics=[TOPIC],
                   rotation_period="30d", next_rotation_time="2030-02-01T00:00:00Z", ttl="90d")
    predicted = run(fake, check=True, **options)
    assert predicted["changed"] and fake.secret is None
    created = run(fake, **options)
    assert created["changed"] and created["version"] == 1
    secret = created["secret"]
    assert secret["annotations"] == {"owner": "me"} and secret["topics"] == [TOPIC]
    assert secret["rotation_period"] == 30 * 86400 and secret["next_rotation_time"] == "2030-02-01T00:00:00Z"
    assert secret["expire_time"] == "2030-04-01T00:00:01Z"  # the server's clock, one second after create_time
    fake.calls.clear()
    again = run(fake, **options)
    assert not again["changed"]
    assert "update_secret" not in fake.calls and "add_secret_version" not in fake.calls
    assert again["diff"]["after"]["value"] == "**SECRET**"


def test_update_mask_names_only_what_differs(fake):
    run(fake, value="v1", annotations={"a": "1"}, topics=[TOPIC], rotation_period=7200,
        next_rotation_time="2030-02-01T00:00:00Z")
    updates = []
    original = fake.update_secret

    def spy(request, missing_ok):
        updates.append(list(request["update_mask"].paths))
        return original(request, missing_ok)

    fake.update_secret = spy
    result = run(fake, annotations={"a": "2"}, rotation_period=0)
    assert result["changed"]
    assert updates == [["annotations", "rotation"]]
    assert result["secret"]["rotation_period"] is None and result["secret"]["next_rotation_time"] is None
    assert run(fake, expire_time="2031-01-01T00:00:00+01:00")["secret"]["expire_time"] == "2030-12-31T23:00:00Z"
    assert run(fake, expire_time="")["secret"]["expire_time"] is None
    assert updates[-2:] == [["expire_time"], ["expire_time"]]


def test_new_value_and_previous_versions(fake):
    run(fake, value="v1")
    run(fake, value="v2")
    predicted = run(fake, check=True, value="v3", disable_previous=True)
    assert predicted["version"] == 3
    assert predicted["diff"]["after"]["versions"] == {"1": "disabled", "2": "disabled", "3": "enabled"}
    assert predicted["diff"]["after"]["value"] == "**SECRET (changed)**"
    done = run(fake, value="v3", disable_previous=True)
    assert done["secret"]["versions"] == predicted["diff"]["after"]["versions"]
    assert not run(fake, value="v3", disable_previous=True)["changed"]
    destroyed = run(fake, destroy_previous=True)
    assert destroyed["secret"]["versions"] == {"1": "destroyed", "2": "destroyed", "3": "enabled"}
    assert run(fake, return_value=True)["value"] == "v3"


def test_replication_is_fixed(fake):
    run(fake, value="v1", replication="user_managed", replicas=[{"location": "us-east1", "kms_key_name": None}])
    with pytest.raises(CitadelError, match="replication is fixed"):
        run(fake, replication="automatic")


@pytest.mark.parametrize("given, message", [
    (dict(name="bad name"), "not a valid secret ID"),
    (dict(labels={"Team": "a"}), "lowercase"),
    (dict(annotations={"-x": "a"}), "not a valid key"),
    (dict(topics=["t"]), "projects/PROJECT/topics/TOPIC"),
    (dict(rotation_period="10m"), "between 1 hour"),
    (dict(rotation_period=0, next_rotation_time="2030-01-01T00:00:00Z"), "removes rotation"),
    (dict(replication="automatic", replicas=[{"location": "us-east1"}]), "needs replication=user_managed"),
    (dict(replication="user_managed", kms_key_name="projects/p/locations/global/keyRings/r/cryptoKeys/k"),
     "its own kms_key_name"),
    (dict(expire_time="soon"), "RFC 3339"),
    (dict(ttl="-5"), "not a duration"),
    (dict(state="absent", value="x"), "cannot be used with state=absent"),
    (dict(disable_previous=True, destroy_previous=True), "mutually exclusive"),
])
def test_bad_options(given, message):
    with pytest.raises(OptionError, match=message):
        GcpSecretResource(params(**given)).validate()


def test_rotation_needs_time_and_topic(fake):
    with pytest.raises(OptionError, match="needs next_rotation_time"):
        run(fake, value="v", rotation_period="30d", topics=[TOPIC])
    with pytest.raises(OptionError, match="Pub/Sub topic"):
        run(fake, value="v", rotation_period="30d", next_rotation_time="2030-01-01T00:00:00Z")


def test_crc32c_known_value():
    assert _gcp.crc32c(b"123456789") == 0xE3069283


@pytest.mark.parametrize("endpoint, expected", [
    ("http://127.0.0.1:8085/", "http://127.0.0.1:8085"),
    ("https://secretmanager.us-east1.rep.googleapis.com/v1/", "https://secretmanager.us-east1.rep.googleapis.com"),
    ("secretmanager.googleapis.com", "secretmanager.googleapis.com"),
])
def test_api_endpoint_normalised(endpoint, expected):
    assert _gcp.settings({"auth_kind": "anonymous", "api_endpoint": endpoint})["api_endpoint"] == expected


def test_ttl_on_existing_secret_compares_with_creation_time(fake):
    run(fake, value="v", ttl=3600)
    assert not run(fake, ttl=3600)["changed"]
    longer = run(fake, ttl=7200)
    assert longer["changed"]
    wanted = datetime(2030, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=7200)
    assert longer["secret"]["expire_time"] == wanted.strftime("%Y-%m-%dT%H:%M:%SZ")
