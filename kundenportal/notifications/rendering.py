"""Turns an outbox row into a mail at send time.

A mail named ``<template>`` is made of ``notifications/mail/<template>.subject.txt``,
``<template>.txt`` and ``<template>.html``, found in any app's templates folder. They are
rendered with the row's ``context`` (plain JSON data), ``provider`` (settings.PROVIDER),
``site_url`` and whatever the template's context provider adds.

A context provider is registered by an app above this one (in its ``AppConfig.ready``) for
data that must not sit in the outbox: an initial password is made, or a reset link signed,
only at the moment the mail is rendered for sending.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import OutboxMail

ContextProvider = Callable[[OutboxMail], dict[str, Any]]
_providers: dict[str, ContextProvider] = {}


class MailObsolete(Exception):
    """Raised by a context provider when the mail lost its reason (account deleted,
    participation cancelled): the worker marks it CANCELLED instead of retrying."""


def mail_context_provider(template: str) -> Callable[[ContextProvider], ContextProvider]:
    """Register ``fn(mail) -> dict`` that adds send-time data to the mail ``template``."""

    def register(fn: ContextProvider) -> ContextProvider:
        _providers[template] = fn
        return fn

    return register


def mail_render(mail: OutboxMail) -> EmailMultiAlternatives:
    context: dict[str, Any] = {
        **mail.context,
        "provider": settings.PROVIDER,
        "site_url": settings.SITE_URL,
    }
    provider = _providers.get(mail.template)
    if provider is not None:
        context.update(provider(mail))
    name = f"notifications/mail/{mail.template}"
    with translation.override("de"):
        subject = " ".join(render_to_string(f"{name}.subject.txt", context).split())
        text = render_to_string(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(mail.to),
        headers={"Auto-Submitted": "auto-generated", "X-Kundenportal-Mail": str(mail.pk)},
    )
    message.attach_alternative(html, "text/html")
    return message
