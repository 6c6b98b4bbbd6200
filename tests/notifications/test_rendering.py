import pytest

from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_context_provider, mail_render
from kundenportal.notifications.services import mail_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def example_templates(mail_template):
    mail_template(
        "example", "Hallo {{ name }}\n", "Text für {{ name }}: {{ secret }}\n", "<p>{{ name }}</p>"
    )


def test_enqueue_is_idempotent_with_dedupe_key():
    first = mail_enqueue(template="example", to=["a@example.org"], dedupe_key="k:1")
    second = mail_enqueue(template="example", to=["a@example.org"], dedupe_key="k:1")
    assert first.pk == second.pk
    assert OutboxMail.objects.count() == 1


def test_enqueue_removes_duplicate_recipients_and_needs_one():
    mail = mail_enqueue(
        template="example", to=["A@example.org", "a@example.org ", "", "b@example.org"]
    )
    assert mail.to == ["A@example.org", "b@example.org"]
    with pytest.raises(ValueError):
        mail_enqueue(template="example", to=["", " "])


def test_render_uses_context_provider_at_send_time(example_templates):
    mail_context_provider("example")(lambda mail: {"secret": f"geheim-{mail.pk}"})
    mail = mail_enqueue(
        template="example", to=["jürgen@example.org"], context={"name": "Jürgen Größe"}
    )
    assert "geheim" not in str(mail.context)

    message = mail_render(mail)

    assert message.subject == "Hallo Jürgen Größe"
    assert "Text für Jürgen Größe" in message.body
    assert f"geheim-{mail.pk}" in message.body
    html = message.alternatives[0][0]
    assert "Jürgen Größe" in html and "BEW Kundenportal" in html


def test_plain_text_and_subject_are_not_html_escaped(example_templates):
    mail = mail_enqueue(
        template="example", to=["a@example.org"], context={"name": "Zoë D'Arcy & Söhne <GmbH>"}
    )
    message = mail_render(mail)
    assert message.subject == "Hallo Zoë D'Arcy & Söhne <GmbH>"
    assert "Text für Zoë D'Arcy & Söhne <GmbH>" in message.body
    html = message.alternatives[0][0]
    assert "D&#x27;Arcy &amp; Söhne &lt;GmbH&gt;" in html
