"""A download from object storage streams: memory does not grow with the file (50 MB).

The S3 server runs in a child process here (moto's server mode), so that what tracemalloc
measures is this process alone: the portal's view, Django and boto3.
"""

import hashlib
import os
import socket
import subprocess
import sys
import time
import tracemalloc

import pytest
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from kundenportal.documents.models import CourseDocument
from tests.factories import EventFactory, ParticipationFactory
from tests.s3.conftest import bucket_create, storage_settings

SIZE = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def moto_process_endpoint():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "gross.pdf"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        digest.update(b"%PDF-1.4\n")
        block = os.urandom(1024 * 1024)
        written = 9
        while written < SIZE:
            chunk = block[: SIZE - written]
            out.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    return path, digest.hexdigest()


@pytest.mark.django_db
def test_50_mb_download_streams_with_flat_memory(settings, client, moto_process_endpoint, big_file):
    bucket, _client = bucket_create(moto_process_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(moto_process_endpoint, bucket),
    }
    path, sha256 = big_file
    today = timezone.localdate()
    event = EventFactory(first_day=today, last_day=today)
    person = ParticipationFactory(registration__event=event, status="attended").person
    with path.open("rb") as handle:
        document = CourseDocument.objects.create(
            event=event,
            title="Großes Skript",
            filename="Großes Skript.pdf",
            content_type="application/pdf",
            size=SIZE,
            file=File(handle, name="gross.pdf"),
        )
    client.force_login(person)
    url = reverse("portal:course_document_download", args=[document.pk])

    tracemalloc.start()
    try:
        response = client.get(url)
        received = 0
        digest = hashlib.sha256()
        for chunk in response.streaming_content:
            received += len(chunk)
            digest.update(chunk)
        response.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert received == SIZE
    assert digest.hexdigest() == sha256
    # The whole file would be 50 MB; a stream holds a few chunks at a time.
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
