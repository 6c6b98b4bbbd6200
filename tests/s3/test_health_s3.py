"""/healthz with object storage: the bucket must be there and reachable."""

import json

import pytest
from botocore.config import Config

from tests.s3.conftest import storage_settings

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_the_bucket(s3, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["storage"] == "ok"


def test_healthz_fails_when_the_bucket_is_missing(settings, client, moto_endpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(moto_endpoint, "kundenportal-gibt-es-nicht"),
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "storage": "fail",
        "cache": "ok",
    }


def test_healthz_fails_when_the_storage_does_not_answer(settings, client):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings("http://127.0.0.1:9", "kundenportal"),
    }
    settings.STORAGES["default"]["OPTIONS"]["client_config"] = Config(
        connect_timeout=1, read_timeout=1, retries={"max_attempts": 0}
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"] == "fail"
