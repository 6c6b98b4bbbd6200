"""A real S3 endpoint for the object storage tests: moto's server mode.

One ThreadedMotoServer (an HTTP server speaking the S3 API) runs in this process for the
session; every test gets its own bucket, and the default storage is configured for it the
way settings.py does it in production (S3_BUCKET, S3_ENDPOINT_URL, ...).
"""

import secrets

import boto3
import pytest
from moto.server import ThreadedMotoServer

from kundenportal.core.storage import s3_storage_settings

REGION = "eu-central-1"
KEYS = {"aws_access_key_id": "kundenportal-test", "aws_secret_access_key": "kundenportal-test"}


@pytest.fixture(scope="session")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def bucket_create(endpoint: str) -> tuple[str, object]:
    name = f"kundenportal-{secrets.token_hex(6)}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name, client


def storage_settings(endpoint: str, bucket: str) -> dict:
    return s3_storage_settings(
        bucket=bucket,
        endpoint_url=endpoint,
        region=REGION,
        access_key=KEYS["aws_access_key_id"],
        secret_key=KEYS["aws_secret_access_key"],
        addressing_style="path",
    )


@pytest.fixture
def s3(settings, moto_endpoint):
    """The default storage is a fresh bucket on the moto server; yields a helper to look into
    the bucket directly (not through Django)."""
    name, client = bucket_create(moto_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(moto_endpoint, name)}

    class Bucket:
        def objects(self) -> set[str]:
            listing = client.list_objects_v2(Bucket=name)
            return {item["Key"] for item in listing.get("Contents", [])}

        def body(self, key: str) -> bytes:
            return client.get_object(Bucket=name, Key=key)["Body"].read()

    return Bucket()
