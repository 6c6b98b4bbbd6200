"""A file leaves the storage only after its record's deletion committed; a failed storage
delete is remembered and finished by the worker."""

from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from kundenportal.core.files import file_delete_after_commit
from kundenportal.core.models import PendingFileDeletion
from kundenportal.documents.models import CourseDocument
from tests.factories import CourseDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_rollback_keeps_the_file_and_forgets_the_deletion(django_capture_on_commit_callbacks):
    document = CourseDocumentFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sid = transaction.savepoint()
        file_delete_after_commit(files=[document.file])
        assert PendingFileDeletion.objects.filter(name=document.file.name).exists()
        transaction.savepoint_rollback(sid)
    assert default_storage.exists(document.file.name)
    assert not PendingFileDeletion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_documents_admin_delete_with_storage_down_is_finished_by_the_worker(client):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    document = CourseDocumentFactory()
    name = document.file.name
    # Real commits: the file is deleted after the admin's commit, and that fails.
    with mock.patch.object(FileSystemStorage, "delete", side_effect=OSError("S3 nicht erreichbar")):
        response = client.post(
            reverse("admin:documents_coursedocument_delete", args=[document.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not CourseDocument.objects.exists()
    assert default_storage.exists(name)
    pending = PendingFileDeletion.objects.get(name=name)
    assert pending.field == "documents.coursedocument.file" and pending.attempts == 1

    call_command("run_worker", "--once")

    assert not default_storage.exists(name)
    assert not PendingFileDeletion.objects.exists()
