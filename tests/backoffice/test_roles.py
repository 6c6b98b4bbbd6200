"""The staff roles: each role logs in and walks every admin URL and action.

Every registered ModelAdmin's list, add, change, delete and history page, every custom admin
URL and every admin action: allowed where the role's permissions (backoffice/roles.py) say,
refused (403, or the action not offered) elsewhere. A new admin page or action without an
entry in the tables below fails ``test_tables_cover_every_custom_url_and_action``.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kundenportal.audit.services import audit_log
from kundenportal.backoffice.roles import (
    AUSWERTUNG,
    MARKETING,
    ROLES,
    SEMINARVERWALTUNG,
    role_permissions,
)
from kundenportal.companies.models import AddressChange
from kundenportal.events.models import Event
from kundenportal.integrations.models import WebhookDelivery
from kundenportal.integrations.services import integration_create
from kundenportal.integrations.webhooks import subscription_create
from kundenportal.legal.services import legal_text_create
from kundenportal.notifications.models import OutboxMail
from kundenportal.privacy.models import DeletionRequest
from kundenportal.worker.models import PeriodicJob
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    OnlineLinkFactory,
    ParticipationFactory,
    PersonFactory,
    QualificationFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

NO_ROLE = "(keine Rolle)"


def _all(*perms):
    return lambda has: all(p in has for p in perms)


# Custom admin URL name → the permissions it needs.
CUSTOM_URLS = {
    "events_event_confirm": _all("events.confirm_event"),
    "events_event_cancel": _all("events.cancel_event"),
    "events_event_attendance": _all("events.record_attendance"),
    "events_event_documents_upload": _all("events.view_event", "documents.add_coursedocument"),
    "events_event_certificates": _all("events.view_event", "documents.add_certificate"),
    "events_event_certificate_upload": _all("events.view_event", "documents.add_certificate"),
    "accounts_person_merge": _all("accounts.merge_person"),
    "accounts_person_erase": _all("accounts.delete_person", "accounts.change_person"),
    "accounts_person_credentials": _all("accounts.send_credentials"),
    "auth_user_password_change": _all("accounts.change_person"),
    "registrations_import_customers": _all("registrations.import_customers"),
    "registrations_participation_reassign": _all("registrations.change_participation"),
    "events_event_attendance_pdf": _all("events.view_event", "registrations.export_participants"),
    "events_event_participants_csv": _all("events.view_event", "registrations.export_participants"),
    "events_event_participants_xlsx": _all(
        "events.view_event", "registrations.export_participants"
    ),
    "events_event_certificates_zip": _all("events.view_event", "documents.export_certificates"),
    "documents_certificate_revoke": _all("documents.revoke_certificate"),
    "documents_certificate_reissue": _all("documents.revoke_certificate"),
    "qualifications_qualificationexpiry_csv": _all("qualifications.view_qualificationexpiry"),
    "qualifications_qualificationexpiry_xlsx": _all("qualifications.view_qualificationexpiry"),
}

# (model, action) → the permissions it needs.
ACTIONS = {
    ("events.event", "confirm_events"): _all("events.confirm_event"),
    ("events.event", "cancel_events"): _all("events.cancel_event"),
    ("events.event", "generate_certificates"): _all(
        "events.view_event", "documents.add_certificate"
    ),
    ("accounts.person", "merge_accounts"): _all("accounts.merge_person"),
    ("accounts.person", "delete_accounts"): _all(
        "accounts.delete_person", "accounts.change_person"
    ),
    ("accounts.person", "resend_credentials"): _all("accounts.send_credentials"),
    ("registrations.registration", "complete_review"): _all("registrations.change_registration"),
    ("registrations.participation", "promote_from_waiting_list"): _all(
        "registrations.change_participation"
    ),
    ("registrations.participation", "cancel"): _all("registrations.change_participation"),
    ("companies.addresschange", "approve"): _all("companies.change_addresschange"),
    ("companies.addresschange", "reject"): _all("companies.change_addresschange"),
    ("privacy.deletionrequest", "delete_accounts"): _all(
        "accounts.delete_person", "privacy.change_deletionrequest"
    ),
    ("notifications.outboxmail", "requeue"): _all("notifications.change_outboxmail"),
    ("documents.certificate", "revoke_certificates"): _all("documents.revoke_certificate"),
    ("registrations.participation", "rebook"): _all("registrations.rebook_participation"),
    # Integrations are for superusers only (no role holds their rights); deliveries may be
    # resent by whoever may change them.
    ("integrations.integration", "rotate_token"): _all("integrations.change_integration"),
    ("integrations.integration", "revoke"): _all("integrations.change_integration"),
    ("integrations.webhookdelivery", "resend"): _all("integrations.change_webhookdelivery"),
    ("legal.legaltext", "publish"): _all("legal.change_legaltext"),
}


@pytest.fixture
def objects():
    """One object of every model with an admin (the admin's change and delete pages)."""
    today = timezone.localdate()
    event = EventFactory(
        first_day=today - dt.timedelta(days=2),
        last_day=today - dt.timedelta(days=1),
        status=Event.Status.CONFIRMED,
    )
    registration = RegistrationFactory(event=event)
    participation = ParticipationFactory(registration=registration, status="attended")
    ParticipationFactory(registration=registration, status="waitlisted")
    person = participation.person
    # Of the event's attendee, so the event's certificate ZIP has a file.
    certificate = CertificateFactory(participation=participation)
    mail = OutboxMail.objects.create(
        template="password_changed", to=["a@example.org"], status=OutboxMail.Status.FAILED
    )
    entry = audit_log(actor=None, action="test.entry", obj=person)
    integration, _token = integration_create(
        name="ERP", scopes=["events:read"], actor=PersonFactory(is_staff=True, is_superuser=True)
    )
    subscription, _secret = subscription_create(
        integration=integration, url="http://127.0.0.1:9/hooks", event_types=["person.deleted"]
    )
    axes = {"user_agent": "x", "ip_address": "127.0.0.1", "http_accept": "*", "path_info": "/"}
    return {
        "events.event": event,
        "registrations.registration": registration,
        "registrations.participation": participation,
        "accounts.person": person,
        "companies.company": person.company,
        "companies.addresschange": AddressChange.objects.create(
            person=person, company=person.company, street="Neue Straße 1", city="Essen"
        ),
        "privacy.deletionrequest": DeletionRequest.objects.create(
            person=PersonFactory(), username="x.y", reason=""
        ),
        "documents.coursedocument": CourseDocumentFactory(event=event),
        "documents.onlinelink": OnlineLinkFactory(event=event),
        "documents.certificate": certificate,
        "notifications.outboxmail": mail,
        "worker.periodicjob": PeriodicJob.objects.create(name="test.job"),
        "events.qualification": QualificationFactory(),
        "legal.legaltext": legal_text_create(
            kind="impressum", title="Impressum", body="Text", publish=True, actor=None
        ),
        "audit.auditentry": entry,
        "auth.group": Group.objects.get(name=MARKETING),
        # The login tables of django-axes and django-otp, through their German proxies.
        "staffauth.loginattempt": AccessAttempt.objects.create(
            **axes, get_data="", post_data="", failures_since_start=1
        ),
        "staffauth.loginrecord": AccessLog.objects.create(**axes),
        "staffauth.loginfailure": AccessFailureLog.objects.create(**axes),
        "staffauth.authenticatorapp": TOTPDevice.objects.create(user=PersonFactory(is_staff=True)),
        "staffauth.backupcodes": StaticDevice.objects.create(user=PersonFactory(is_staff=True)),
        "integrations.integration": integration,
        "integrations.webhooksubscription": subscription,
        "integrations.webhookdelivery": WebhookDelivery.objects.create(
            subscription=subscription, event_type="person.deleted", payload={"person_id": 1}
        ),
    }


def _custom_url_args(name, objects):
    event, participation = objects["events.event"], objects["registrations.participation"]
    person = objects["accounts.person"]
    return {
        "events_event_certificate_upload": [event.pk, participation.pk],
        "accounts_person_merge": [],
        "accounts_person_erase": [person.pk],
        "accounts_person_credentials": [person.pk],
        "auth_user_password_change": [person.pk],
        "registrations_import_customers": [],
        "registrations_participation_reassign": [participation.pk],
        "documents_certificate_revoke": [objects["documents.certificate"].pk],
        "documents_certificate_reissue": [objects["documents.certificate"].pk],
        "qualifications_qualificationexpiry_csv": [],
        "qualifications_qualificationexpiry_xlsx": [],
    }.get(name, [event.pk])


def _admin_url(info, kind, *args):
    app_label, model_name = info
    return reverse(f"admin:{app_label}_{model_name}_{kind}", args=args)


def _superuser_request():
    request = RequestFactory().get("/verwaltung/")
    request.user = PersonFactory(is_staff=True, is_superuser=True)
    return request


def _custom_names(model_admin):
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}_"
    standard = {prefix + kind for kind in ("changelist", "add", "change", "delete", "history")}
    return [u.name for u in model_admin.get_urls() if u.name and u.name not in standard]


def test_tables_cover_every_custom_url_and_action():
    request = _superuser_request()
    custom, actions = set(), set()
    for model, model_admin in admin.site._registry.items():
        custom.update(_custom_names(model_admin))
        actions.update(
            (model._meta.label_lower, name)
            for name in model_admin.get_actions(request)
            if name != "delete_selected"
        )
    assert custom == set(CUSTOM_URLS)
    assert actions == set(ACTIONS)


def test_groups_hold_exactly_the_roles_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == role_permissions(role)
    # Read-only means read-only.
    assert all(p.split(".")[1].startswith("view_") for p in role_permissions(AUSWERTUNG))


@pytest.fixture(params=[MARKETING, SEMINARVERWALTUNG, AUSWERTUNG, NO_ROLE])
def role(request):
    return request.param


@pytest.fixture
def member(role, client):
    user = PersonFactory(username=f"rolle.{len(role)}", is_staff=True, password="Rolle-Wort-42")
    if role != NO_ROLE:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def _has(member):
    return set(member.get_all_permissions())


def test_role_walks_every_model_admin_page(client, member, objects):
    has = _has(member)
    superuser = _superuser_request()
    walked = 0
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        info = (model._meta.app_label, model._meta.model_name)
        may_view = f"{model._meta.app_label}.view_{info[1]}" in has or (
            f"{model._meta.app_label}.change_{info[1]}" in has
        )
        may = {
            "changelist": may_view,
            "add": f"{info[0]}.add_{info[1]}" in has and model_admin.has_add_permission(superuser),
        }
        names = {u.name for u in model_admin.get_urls()}
        urls = {"changelist": _admin_url(info, "changelist")}
        if "{}_{}_add".format(*info) in names:
            urls["add"] = _admin_url(info, "add")
        obj = objects.get(label)
        if obj is not None:
            urls["change"] = _admin_url(info, "change", obj.pk)
            urls["history"] = _admin_url(info, "history", obj.pk)
            urls["delete"] = _admin_url(info, "delete", obj.pk)
            may["change"] = may["history"] = may_view
            may["delete"] = f"{info[0]}.delete_{info[1]}" in has and (
                model_admin.has_delete_permission(superuser, obj)
            )
        else:
            # Pages, not lists of objects.
            assert label in (
                "retention.retentionschedule",
                "qualifications.qualificationexpiry",
            ), f"no object for {label}"
        for kind, url in urls.items():
            status = client.get(url).status_code
            expected = 200 if may[kind] else 403
            assert status == expected, f"{member.groups.first()}: {kind} {url} → {status}"
            walked += 1
        if obj is not None and not model_admin.has_change_permission(_request_for(member), obj):
            # A read-only change page refuses a POST.
            assert client.post(urls["change"], {}).status_code == 403, urls["change"]
    assert walked > 60


def _request_for(user):
    request = RequestFactory().get("/verwaltung/")
    request.user = user
    return request


def test_role_walks_every_custom_admin_url(client, member, objects):
    has = _has(member)
    for name, needs in CUSTOM_URLS.items():
        url = reverse(f"admin:{name}", args=_custom_url_args(name, objects))
        status = client.get(url).status_code
        expected = 200 if needs(has) else 403
        assert status == expected, f"{member.groups.first()}: {name} → {status}"


def test_role_is_offered_and_may_run_exactly_its_actions(client, member, objects):
    has = _has(member)
    request = _request_for(member)
    superuser = _superuser_request()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        info = (model._meta.app_label, model._meta.model_name)
        if not model_admin.has_view_or_change_permission(request) or label not in objects:
            continue  # the list itself is refused (see the page walk)
        existing = set(model_admin.get_actions(superuser))
        expected = {
            name
            for name in existing
            if (
                f"{info[0]}.delete_{info[1]}" in has
                if name == "delete_selected"
                else ACTIONS[(label, name)](has)
            )
        }
        assert set(model_admin.get_actions(request)) == expected, label
        changelist = _admin_url(info, "changelist")
        for name in existing:
            response = client.post(
                changelist,
                {"action": name, ACTION_CHECKBOX_NAME: [objects[label].pk], "index": 0},
                follow=True,
            )
            assert response.status_code == 200, (label, name)
            page = response.content.decode()
            # Refused: Django's "no action selected", or (no action offered at all) the plain
            # list, whose POST is no action.
            is_list = any(t.name == "admin/change_list.html" for t in response.templates)
            refused = "Keine Aktion ausgewählt" in page or (is_list and 'name="action"' not in page)
            assert refused is (name not in expected), (member.groups.first(), label, name)


def test_role_sees_the_index_and_only_its_apps(client, member):
    has = _has(member)
    assert client.get("/verwaltung/").status_code == 200
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        status = client.get(reverse("admin:app_list", args=[app_label])).status_code
        # An app the role has no permission in does not exist for it.
        assert status == (200 if any(p.startswith(f"{app_label}.") for p in has) else 404), (
            app_label
        )
