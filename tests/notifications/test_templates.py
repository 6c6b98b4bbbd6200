"""Every mail template renders in German, as text and HTML, with the provider's data."""

import pytest
from django.core.management import call_command

from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.notifications.services import MailSpec, mail_enqueue_many

pytestmark = pytest.mark.django_db

EVENT = {
    "number": "T-2411",
    "title": "Sachkunde Trinkwasserhygiene & Praxis",
    "dates": "01.12.2026",
}
SAMPLES = {
    "password_changed": (
        {
            "salutation": "Herr",
            "title": "Dr.",
            "first_name": "Jürgen",
            "last_name": "Größe",
            "username": "juergen.groesse",
            "changed_at": "29.11.2026 um 10:15 Uhr",
        },
        ["Guten Tag Herr Dr. Größe,", "juergen.groesse", "/portal/passwort-vergessen/"],
    ),
    "certificate_available": (
        {
            "participant": {"full_name": "Özlem Yıldız"},
            "event": EVENT,
            "username": "oezlem.yildiz",
            "keep_until": "30.11.2036",
        },
        ["Özlem Yıldız", "Sachkunde Trinkwasserhygiene & Praxis", "Meine Dokumente", "30.11.2036"],
    ),
    "account_deleted": (
        {"full_name": "Sören Weiß", "username": "soeren.weiss", "deleted_at": "29.11.2026"},
        ["Guten Tag Sören Weiß,", "soeren.weiss", "marketing@bew.example"],
    ),
}


@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_mail_template_renders_text_and_html(template, settings):
    settings.PROVIDER = {**settings.PROVIDER, "name": "BEW", "phone": "+49 281 98 400-0"}
    context, expected = SAMPLES[template]
    row = OutboxMail.objects.create(template=template, to=["x@example.org"], context=context)
    message = mail_render(row)
    html = message.alternatives[0][0]
    assert message.subject and "\n" not in message.subject
    assert "&amp;" not in message.subject and "&amp;" not in message.body  # text is not HTML
    for text in expected:
        assert text in message.body
        assert text.replace("&", "&amp;") in html
    assert "+49 281 98 400-0" in message.body and "+49 281 98 400-0" in html
    assert '<html lang="de">' in html


def test_enqueue_many_is_idempotent_per_key():
    specs = [
        MailSpec(template="t", to=["a@example.org", "A@example.org"], context={}, dedupe_key=k)
        for k in ("k1", "k2")
    ]
    assert mail_enqueue_many(mails=specs) == 2
    assert mail_enqueue_many(mails=[*specs, MailSpec("t", ["b@example.org"], {}, "k3")]) == 1
    assert OutboxMail.objects.get(dedupe_key="k1").to == ["a@example.org"]
    assert OutboxMail.objects.count() == 3
    assert len(set(OutboxMail.objects.values_list("nonce", flat=True))) == 3


@pytest.mark.django_db(transaction=True)
def test_worker_loop_mails_a_late_participation_at_once(mailoutbox):
    from kundenportal.confirmations.services import event_confirm
    from tests.factories import EventFactory, ParticipationFactory, RegistrationFactory

    event = EventFactory()
    event_confirm(event=event, actor=None)
    ParticipationFactory(registration=RegistrationFactory(event=event))
    call_command("run_worker", "--once")
    assert len(mailoutbox) == 1
    assert "Durchführungsbestätigung" in mailoutbox[0].subject
