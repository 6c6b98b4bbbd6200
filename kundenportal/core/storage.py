"""Settings of the file storage (kept apart from the S3 backend: settings import it,
and boto3 is only loaded when the bucket is used)."""


def s3_storage_settings(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    addressing_style: str | None = None,
) -> dict:
    """The STORAGES["default"] entry for a bucket (settings.py; the S3 tests use the same)."""
    return {
        "BACKEND": "kundenportal.core.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": region,
            "access_key": access_key,
            "secret_key": secret_key,
            "addressing_style": addressing_style,
            # Files are private: no public URL, every download goes through a view that
            # checks ownership.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
