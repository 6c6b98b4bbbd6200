"""Turns an outbox row into a mail at send time.

A mail named ``<template>`` is made of ``notifications/mail/<template>.subject.txt``,
``<template>.txt`` and ``<template>.html``, found in any app's templates folder. They are
rendered with the row's ``context`` (plain JSON data), ``provider`` (settings.PROVIDER),
``site_url``, ``periods`` (core.periods: the configured periods the texts name) and whatever the template's context provider adds.

A context provider is registered by an app above this one (in its ``AppConfig.ready``) for
data that must not sit in the outbox: an initial password is made, or a reset link signed,
only at the moment the mail is rendered for sending.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation

from kundenportal.core.periods import periods

from .models import OutboxMail

# A context provider may return extra mail headers under this key (e.g. List-Unsubscribe with
# a link signed at send time); they go into the message, not into the template context.
MAIL_HEADERS = "mail_headers"

ContextProvider = Callable[[OutboxMail], dict[str, Any]]
SentHook = Callable[[OutboxMail, dict[str, Any]], None]
_providers: dict[str, ContextProvider] = {}
_sent_hooks: dict[str, SentHook] = {}


class MailObsolete(Exception):
    """Raised by a context provider when the mail lost its reason (account deleted,
    participation cancelled): the worker marks it CANCELLED instead of retrying."""


def mail_context_provider(template: str) -> Callable[[ContextProvider], ContextProvider]:
    """Register ``fn(mail) -> dict`` that adds send-time data to the mail ``template``."""

    def register(fn: ContextProvider) -> ContextProvider:
        _providers[template] = fn
        return fn

    return register


def mail_sent_hook(template: str) -> Callable[[SentHook], SentHook]:
    """Register ``fn(mail, provided)`` that the worker calls once the SMTP server accepted
    the mail ``template``; ``provided`` is what its context provider returned.

    For a secret that must start to count only with a delivered mail: the credentials mail
    stores the hash of its initial password here, so an SMTP outage does not end the
    password of the previous mail. If the hook fails the mail is retried, and since the
    provider derives its secret from the row, the repeated mail carries the same one.
    """

    def register(fn: SentHook) -> SentHook:
        _sent_hooks[template] = fn
        return fn

    return register


def mail_after_send(mail: OutboxMail, message: EmailMultiAlternatives) -> None:
    hook = _sent_hooks.get(mail.template)
    if hook is not None:
        hook(mail, getattr(message, "provided_context", {}))


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Plain text is not HTML: no escaping ("D'Arcy & Söhne" stays as it is)."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def mail_render(mail: OutboxMail) -> EmailMultiAlternatives:
    """The mail of an outbox row. Has no side effects (safe for previews and tests)."""
    context: dict[str, Any] = {
        **mail.context,
        "provider": settings.PROVIDER,
        "site_url": settings.SITE_URL,
        "periods": periods(),
    }
    provider = _providers.get(mail.template)
    provided = provider(mail) if provider is not None else {}
    extra_headers = provided.pop(MAIL_HEADERS, None) or {}
    context.update(provided)
    name = f"notifications/mail/{mail.template}"
    with translation.override("de"):
        subject = " ".join(_render_plain(f"{name}.subject.txt", context).split())
        text = _render_plain(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(mail.to),
        headers={
            **extra_headers,
            "Auto-Submitted": "auto-generated",
            "X-Kundenportal-Mail": str(mail.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    # Kept on the message object only (memory), for the sent hook; never stored.
    message.provided_context = provided
    return message
