import pytest


@pytest.fixture
def mail_template(settings, tmp_path):
    """``mail_template(name, subject, text, html_content)`` writes a mail template for a test."""
    folder = tmp_path / "notifications" / "mail"
    folder.mkdir(parents=True)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    def write(name: str, subject: str, text: str, html_content: str) -> None:
        (folder / f"{name}.subject.txt").write_text(subject)
        (folder / f"{name}.txt").write_text(text)
        (folder / f"{name}.html").write_text(
            '{% extends "notifications/mail/base.html" %}{% block content %}'
            + html_content
            + "{% endblock %}"
        )

    return write
