import datetime as dt
import io
from unittest import mock

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from kundenportal.accounts.models import Person, UsernameSeries
from kundenportal.accounts.services import person_create
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_log
from kundenportal.companies.models import AddressChange
from kundenportal.core.models import PendingFileDeletion
from kundenportal.documents.models import Certificate, CourseDocument
from kundenportal.privacy.models import DeletionRequest
from kundenportal.privacy.policies import Moment
from kundenportal.registrations.models import Participation, Registration
from kundenportal.retention.models import PurgeState
from kundenportal.retention.selectors import retention_schedule
from kundenportal.retention.services import (
    LOCK_NAME,
    PurgeAlreadyRunning,
    retention_purge,
)
from kundenportal.worker.jobs import job_run_if_due, registered_jobs
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    OnlineLinkFactory,
    ParticipationFactory,
    PersonFactory,
)

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2036, 7, 1)


def _old_history(n=3):
    """``n`` participations in events that ended in 2016, each with a certificate, a course
    document and a registration; and an old audit entry about each person."""
    items = []
    for i in range(n):
        event = EventFactory(first_day=D(2016, 6, 1 + i), last_day=D(2016, 6, 1 + i))
        certificate = CertificateFactory(
            issued_on=event.last_day,
            participation__registration__event=event,
        )
        CourseDocumentFactory(event=event)
        items.append(certificate)
    return items


def _everything_counts():
    return {
        "documents": CourseDocument.objects.count(),
        "certificates": Certificate.objects.count(),
        "participations": Participation.objects.count(),
        "registrations": Registration.objects.count(),
        "persons": Person.objects.count(),
        "audit": AuditEntry.objects.count(),
        "files": sum(
            len(files)
            for _dirs, files in [
                default_storage.listdir(d) for d in ("unterlagen", "bescheinigungen")
            ]
        ),
    }


def test_dry_run_counts_what_the_run_deletes_and_changes_nothing(at, purge):
    _old_history(3)
    with at(D(2016, 1, 1)):
        person = PersonFactory()  # joined in 2016, never logged in, nothing else
    before = _everything_counts()
    with at(TODAY):
        dry = purge(dry_run=True)
        assert _everything_counts() == before
        assert not AuditEntry.objects.filter(action="retention.purge").exists()
        real = purge()
    assert dry.counts == real.counts
    assert real.counts["course_documents"] == 3
    assert real.counts["certificates"] == 3
    assert real.counts["participations"] == 3
    assert real.counts["registrations"] == 3
    # The three participants joined "now" (2026), the lone 2016 account goes.
    assert real.counts["accounts"] == 1
    assert not Person.objects.filter(pk=person.pk).exists()


def test_dry_run_command_prints_counts_per_category_only(at, purge):
    certificates = _old_history(2)
    out = io.StringIO()
    with at(TODAY):
        call_command("purge_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Probelauf" in text
    assert "Bescheinigungen" in text
    assert "2 würden gelöscht" in text
    # Counts only: no names, no usernames.
    for certificate in certificates:
        assert certificate.participation.person.username not in text
        assert certificate.participation.person.last_name not in text
    assert Certificate.objects.count() == 2


def test_run_logs_counts_and_an_audit_entry_without_names(at, purge, caplog):
    certificates = _old_history(2)
    with at(TODAY), caplog.at_level("INFO", logger="kundenportal.retention"):
        purge()
    entry = AuditEntry.objects.get(action="retention.purge")
    assert entry.actor is None
    assert entry.data["counts"]["certificates"] == 2
    assert entry.data["day"] == "2036-07-01"
    assert "certificates: 2 deleted" in caplog.text
    dump = str(entry.data) + entry.object_label + caplog.text
    for certificate in certificates:
        assert certificate.participation.person.username not in dump
    state = PurgeState.objects.get(name=LOCK_NAME)
    assert state.last_counts["certificates"] == 2
    assert state.locked_until is None


def test_second_run_deletes_nothing(at, purge):
    _old_history(3)
    with at(TODAY):
        first = purge()
        second = purge()
    assert first.total > 0
    assert second.total == 0


def test_small_batches_delete_everything(at, purge):
    event = EventFactory(first_day=D(2026, 1, 5), last_day=D(2026, 1, 5))
    documents = CourseDocumentFactory.create_batch(10, event=event)
    names = [d.file.name for d in documents]
    with at(D(2026, 3, 1)):
        with mock.patch(
            "kundenportal.retention.services.transaction.atomic",
            wraps=__import__("django.db.transaction", fromlist=["atomic"]).atomic,
        ) as atomic:
            result = purge(batch_size=3)
        # 4 chunks of at most 3 rows, each in its own transaction (+ the audit entry).
        assert atomic.call_count >= 5
    assert result.counts["course_documents"] == 10
    assert not CourseDocument.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    assert not PendingFileDeletion.objects.exists()


def test_a_missing_file_is_not_an_error(at, purge):
    document = CourseDocumentFactory(event__first_day=D(2026, 1, 5), event__last_day=D(2026, 1, 5))
    default_storage.delete(document.file.name)
    with at(D(2026, 3, 1)):
        result = purge()
    assert result.counts["course_documents"] == 1
    assert not PendingFileDeletion.objects.exists()


def test_files_stay_until_commit_and_a_storage_failure_is_retried(
    at, django_capture_on_commit_callbacks
):
    document = CourseDocumentFactory(event__first_day=D(2026, 1, 5), event__last_day=D(2026, 1, 5))
    name = document.file.name
    with at(D(2026, 3, 1)):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            retention_purge()
        # The record is gone, the file waits for the commit.
        assert not CourseDocument.objects.exists()
        assert default_storage.exists(name)
        assert PendingFileDeletion.objects.filter(name=name).exists()
        from django.core.files.storage import FileSystemStorage

        with mock.patch.object(
            FileSystemStorage, "delete", side_effect=OSError("S3 nicht erreichbar")
        ):
            for callback in callbacks:
                callback()
        pending = PendingFileDeletion.objects.get(name=name)
        assert pending.attempts == 1
        assert "S3 nicht erreichbar" in pending.last_error
        assert default_storage.exists(name)
        # The next run deletes it.
        with django_capture_on_commit_callbacks(execute=True):
            result = retention_purge()
    assert result.files_deleted == 1
    assert not default_storage.exists(name)
    assert not PendingFileDeletion.objects.exists()


def test_a_rolled_back_chunk_keeps_record_and_file(at, django_capture_on_commit_callbacks):
    document = CourseDocumentFactory(event__first_day=D(2026, 1, 5), event__last_day=D(2026, 1, 5))
    with (
        at(D(2026, 3, 1)),
        django_capture_on_commit_callbacks(execute=True),
        # The crash comes at the DELETE itself (the purge deletes by primary keys, set-based).
        mock.patch(
            "django.db.models.query.QuerySet._raw_delete", side_effect=RuntimeError("Absturz")
        ),
        pytest.raises(RuntimeError),
    ):
        retention_purge()
    assert CourseDocument.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(document.file.name)
    assert not PendingFileDeletion.objects.exists()
    # The lease was given back: the next run can start.
    assert PurgeState.objects.get(name=LOCK_NAME).locked_until is None


# --- the lock -------------------------------------------------------------------------------


def test_a_second_run_while_one_holds_the_lease_stops_at_once(at):
    _old_history(1)
    with at(TODAY):
        PurgeState.objects.create(
            name=LOCK_NAME, holder="other", locked_until=timezone.now() + dt.timedelta(minutes=5)
        )
        with pytest.raises(PurgeAlreadyRunning):
            retention_purge()
        with pytest.raises(CommandError, match="läuft gerade"):
            call_command("purge_retention", stdout=io.StringIO())
        assert Certificate.objects.count() == 1
    # A lease that ended (its run died) is taken over.
    with at(TODAY + dt.timedelta(days=1)):
        assert retention_purge().counts["certificates"] == 1


def test_the_worker_job_skips_quietly_while_a_run_by_hand_is_going(at, caplog):
    from kundenportal.retention.services import retention_purge_job

    with at(TODAY):
        PurgeState.objects.create(
            name=LOCK_NAME, holder="other", locked_until=timezone.now() + dt.timedelta(minutes=5)
        )
        retention_purge_job()
    assert "another purge is running" in caplog.text


def test_daily_job_is_registered_at_three_and_runs_the_purge(at):
    job = registered_jobs()["retention.purge"]
    assert job.daily_at == dt.time(3, 0)
    _old_history(1)
    with at(TODAY, hour=2):
        assert job_run_if_due(job) is False  # first due at 03:00
    with at(TODAY, hour=3):
        assert job_run_if_due(job) is True
        assert job_run_if_due(job) is False  # once a day
    assert not Certificate.objects.exists()
    assert AuditEntry.objects.filter(action="retention.purge").count() == 1


# --- accounts -------------------------------------------------------------------------------


def _old_account():
    """Max Mustermann, created in 2016, never logged in, nothing booked."""
    with time_machine.travel(dt.datetime(2016, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        return person_create(first_name="Max", last_name="Mustermann")


def test_account_purge_keeps_the_username_reserved(at, purge):
    person = _old_account()
    assert person.username == "max.mustermann"
    series_before = list(UsernameSeries.objects.values_list("base_hash", "last_suffix"))
    with at(TODAY):
        assert purge().counts["accounts"] == 1
    assert not Person.objects.filter(username="max.mustermann").exists()
    assert list(UsernameSeries.objects.values_list("base_hash", "last_suffix")) == series_before
    # No name is kept: only the keyed hash.
    assert "mustermann" not in str(series_before)
    # A new Max Mustermann never gets the deleted account's name.
    again = person_create(first_name="Max", last_name="Mustermann")
    assert again.username == "max.mustermann1"


def test_account_rules(at, purge):
    gone = _old_account()
    staff = PersonFactory(is_staff=True, date_joined=timezone.make_aware(dt.datetime(2010, 1, 1)))
    superuser = PersonFactory(
        is_superuser=True, date_joined=timezone.make_aware(dt.datetime(2010, 1, 1))
    )
    logged_in = PersonFactory(
        date_joined=timezone.make_aware(dt.datetime(2010, 1, 1)),
        last_login=timezone.make_aware(dt.datetime(2027, 1, 1)),
    )
    with_participation = PersonFactory(date_joined=timezone.make_aware(dt.datetime(2010, 1, 1)))
    ParticipationFactory(
        person=with_participation,
        registration__event__first_day=D(2030, 1, 1),
        registration__event__last_day=D(2030, 1, 1),
    )
    emptied_today = PersonFactory(date_joined=timezone.make_aware(dt.datetime(2010, 1, 1)))
    ParticipationFactory(
        person=emptied_today,
        registration__event__first_day=D(2016, 1, 1),
        registration__event__last_day=D(2016, 1, 1),
    )
    with at(TODAY):
        counts = purge().counts
    assert counts["accounts"] == 2
    remaining = set(Person.objects.values_list("pk", flat=True))
    assert gone.pk not in remaining
    assert emptied_today.pk not in remaining  # its last participation went in the same run
    assert {staff.pk, superuser.pk, logged_in.pk, with_participation.pk} <= remaining


def test_account_purge_removes_what_names_the_person(at, purge):
    person = _old_account()
    staff = PersonFactory(is_staff=True)
    request = DeletionRequest.objects.create(person=person, username=person.username)
    AddressChange.objects.create(person=person, street="Neue Straße 1")
    with at(D(2030, 1, 1)):
        audit_log(actor=staff, action="person.change", obj=person)
        audit_log(actor=person, action="person.export", obj=person)
    with at(TODAY):
        purge()
    assert not DeletionRequest.objects.filter(pk=request.pk).exists()
    assert not AddressChange.objects.exists()
    for entry in AuditEntry.objects.exclude(action="retention.purge"):
        assert "mustermann" not in (entry.actor_label + entry.object_label).lower()
    assert AuditEntry.objects.filter(action="person.change", actor=staff).exists()


def test_account_purge_erases_like_a_deletion_on_request(at, purge):
    """The same core as "Konto löschen": usernames of merged accounts in the merge entry go
    too (a relabelled entry kept them), and the erasure is logged with a username hash."""
    from kundenportal.audit.services import audit_username_hash
    from kundenportal.privacy.merge import accounts_merge

    person = _old_account()
    with time_machine.travel(dt.datetime(2016, 1, 2, 12, tzinfo=dt.UTC), tick=False):
        second = person_create(first_name="Max", last_name="Mustermann")
    staff = PersonFactory(is_staff=True)
    with at(D(2030, 1, 1)):
        accounts_merge(survivor_username=person.username, usernames=[second.username], actor=staff)
    with at(TODAY):
        assert purge().counts["accounts"] == 1
    merge = AuditEntry.objects.get(action="person.merge")
    assert "mustermann" not in str(merge.data).lower() + merge.object_label.lower()
    erased = AuditEntry.objects.get(action="person.delete", object_id=str(person.pk))
    assert erased.actor is None and erased.data["reason"] == "retention"
    assert erased.data["username_hash"] == audit_username_hash("max.mustermann")


def test_a_batch_of_purged_accounts_is_one_entry_that_the_log_search_finds(at, purge, rf):
    """A thousand accounts a night are one ``person.delete`` entry (the log stays readable and
    the purge fast), with each account's number and username hash: searching the log for a
    username finds the erasure, and the entry names nobody."""
    from django.contrib.admin.sites import site

    names = [("Jürgen", "Größe"), ("Käthe", "Fuchs"), ("Ömer", "Yılmaz")]
    with time_machine.travel(dt.datetime(2016, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        people = [person_create(first_name=f, last_name=last) for f, last in names]
    with at(TODAY):
        assert purge().counts["accounts"] == 3
    (entry,) = AuditEntry.objects.filter(action="person.delete")
    assert entry.actor is None and entry.data["reason"] == "retention"
    assert entry.data["person_ids"] == sorted(p.pk for p in people)
    text = (entry.object_label + str(entry.data)).lower()
    assert not any(
        last.lower() in text or p.username in text
        for p, (_f, last) in zip(people, names, strict=True)
    )
    staff = PersonFactory(is_staff=True, is_superuser=True)
    model_admin = site._registry[AuditEntry]

    def search(term):
        request = rf.get("/", {"q": term})
        request.user = staff
        found, _duplicates = model_admin.get_search_results(request, AuditEntry.objects.all(), term)
        return list(found.filter(action="person.delete"))

    # By username and by account number, each account of the batch.
    for person in people:
        assert search(person.username) == [entry]
        assert search(str(person.pk)) == [entry]
    assert search("someone.else") == []
    assert search(str(max(p.pk for p in people) * 10 + 7)) == []


def test_purged_records_leave_no_name_in_the_logs(at, purge, rf):
    """A participation purged while its person stays: its audit entries keep "Teilnahme Nr.",
    its entries in Django's admin log go."""
    from django.contrib import admin

    person = PersonFactory(last_login=timezone.make_aware(dt.datetime(2036, 6, 1)))
    participation = ParticipationFactory(
        person=person,
        registration__event__first_day=D(2016, 1, 1),
        registration__event__last_day=D(2016, 1, 1),
    )
    staff = PersonFactory(is_staff=True, is_superuser=True)
    request = rf.post("/")
    request.user = staff
    with at(D(2030, 1, 1)):
        admin.site._registry[Participation].log_change(request, participation, "[]")
    with at(TODAY):
        assert purge().counts["participations"] == 1
    from django.contrib.admin.models import LogEntry

    assert not LogEntry.objects.exists()
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.object_label == f"Teilnahme Nr. {participation.pk}"
    assert person.last_name not in entry.object_label


def test_admin_log_and_failed_mails_have_their_periods(at, purge, settings):
    from django.contrib.admin.models import CHANGE, LogEntry

    from kundenportal.notifications.models import OutboxMail

    staff = PersonFactory(is_staff=True)
    with at(D(2026, 6, 30), hour=12):
        old = LogEntry.objects.create(user=staff, action_flag=CHANGE, object_repr="Max (max.m)")
    with at(D(2026, 7, 1), hour=12):
        new = LogEntry.objects.create(user=staff, action_flag=CHANGE, object_repr="Erika")
    with at(TODAY - dt.timedelta(days=settings.OUTBOX_FAILED_KEEP_DAYS + 1)):
        failed = OutboxMail.objects.create(template="x", to=["max@example.org"], status="failed")
    with at(TODAY - dt.timedelta(days=settings.OUTBOX_FAILED_KEEP_DAYS - 1)):
        recent = OutboxMail.objects.create(template="x", to=["eva@example.org"], status="failed")
    with at(TODAY):
        counts = purge().counts
    assert counts["admin_log"] == 1 and counts["failed_mails"] == 1
    assert set(LogEntry.objects.values_list("pk", flat=True)) == {new.pk}
    assert not LogEntry.objects.filter(pk=old.pk).exists()
    assert set(OutboxMail.objects.values_list("pk", flat=True)) == {recent.pk}
    assert failed.pk != recent.pk


# --- other personal data and technical data --------------------------------------------------


def test_address_changes_deletion_requests_and_audit_entries_after_ten_years(at, purge):
    person = PersonFactory(last_login=timezone.make_aware(dt.datetime(2036, 6, 1)))
    with at(D(2026, 6, 30), hour=12):
        old_change = AddressChange.objects.create(person=person, street="Alt 1", status="approved")
        handled = DeletionRequest.objects.create(
            person=person, username=person.username, status="rejected", handled_at=timezone.now()
        )
        old_entry = audit_log(actor=None, action="person.change", obj=person)
    with at(D(2026, 7, 1), hour=12):
        new_change = AddressChange.objects.create(person=person, street="Neu 1")
        new_entry = audit_log(actor=None, action="person.change", obj=person)
    with at(D(2036, 7, 1)):
        counts = purge().counts
    assert counts["address_changes"] == 1
    assert counts["deletion_requests"] == 1
    assert counts["audit_entries"] == 1
    assert not AddressChange.objects.filter(pk=old_change.pk).exists()
    assert AddressChange.objects.filter(pk=new_change.pk).exists()
    assert not DeletionRequest.objects.filter(pk=handled.pk).exists()
    assert not AuditEntry.objects.filter(pk=old_entry.pk).exists()
    assert AuditEntry.objects.filter(pk=new_entry.pk).exists()


def test_an_open_deletion_request_is_never_purged_by_age(at, purge):
    person = PersonFactory(last_login=timezone.make_aware(dt.datetime(2036, 6, 1)))
    with at(D(2020, 1, 1)):
        request = DeletionRequest.objects.create(person=person, username=person.username)
    with at(TODAY):
        purge()
    assert DeletionRequest.objects.filter(pk=request.pk).exists()


def test_expired_sessions_and_login_attempts_go(at, purge, settings):
    from axes.models import AccessAttempt

    with at(TODAY, hour=1):
        Session.objects.create(
            session_key="a" * 32,
            session_data="x",
            expire_date=timezone.now() + dt.timedelta(hours=1),
        )
        Session.objects.create(
            session_key="b" * 32,
            session_data="x",
            expire_date=timezone.now() + dt.timedelta(hours=3),
        )
        AccessAttempt.objects.create(
            username="max",
            ip_address="192.0.2.1",
            user_agent="t",
            failures_since_start=3,
            http_accept="",
            path_info="/",
        )
    with at(TODAY, hour=3):
        counts = purge().counts
    assert counts["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert counts["login_attempts"] == 1  # cool-off of 15 minutes passed long ago


def test_schedule_predicts_what_each_daily_run_deletes(at, purge):
    """The admin's 30-day schedule against reality: run the purge on each of the 30 days."""
    base = D(2026, 3, 1)
    for i in range(12):
        last_day = base - dt.timedelta(days=45) + dt.timedelta(days=3 * i)
        event = EventFactory(first_day=last_day, last_day=last_day)
        CourseDocumentFactory(event=event)
        OnlineLinkFactory(event=event)
    for i in range(10):
        issued = D(2016, 2, 25) + dt.timedelta(days=4 * i)
        certificate = CertificateFactory(
            issued_on=issued,
            participation__registration__event__first_day=issued - dt.timedelta(days=60),
            participation__registration__event__last_day=issued - dt.timedelta(days=60),
        )
        Person.objects.filter(pk=certificate.participation.person_id).update(
            date_joined=timezone.make_aware(dt.datetime(2010, 1, 1))
        )
    with at(base):
        schedule = retention_schedule(first=Moment.planned(base), days=30)
    predicted = {row["policy"].key: row["per_day"] for row in schedule["rows"]}
    assert sum(predicted["course_documents"]) > 0
    assert sum(predicted["certificates"]) > 0
    assert sum(predicted["accounts"]) > 0
    actual = {key: [] for key in predicted}
    for offset in range(30):
        with at(base + dt.timedelta(days=offset)):
            counts = purge().counts
        for key in actual:
            actual[key].append(counts[key])
    # Audit entries written by the runs themselves are 2026 entries; nothing else changes.
    assert actual == predicted


def test_command_deletes_and_prints_counts(at):
    _old_history(2)
    out = io.StringIO()
    with at(TODAY):
        call_command("purge_retention", "--batch-size", "1", stdout=out)
        with pytest.raises(CommandError):
            call_command("purge_retention", "--batch-size", "0", stdout=io.StringIO())
    assert "2 gelöscht" in out.getvalue()
    assert not Certificate.objects.exists()


def test_next_run_follows_the_worker_bookkeeping(at):
    from kundenportal.retention.selectors import retention_next_run
    from kundenportal.worker.models import PeriodicJob

    with at(TODAY, hour=12):
        assert retention_next_run() == Moment.planned(TODAY + dt.timedelta(days=1))
        # Overdue (no worker ran it): the next run is now.
        PeriodicJob.objects.create(
            name="retention.purge", due_at=timezone.now() - dt.timedelta(days=2)
        )
        assert retention_next_run() == Moment.current()
