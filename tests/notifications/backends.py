"""Mail backends for tests: one that fails on demand."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(LocmemBackend):
    """Like locmem, but raises ``error`` (class attribute) while it is set."""

    error: BaseException | None = None

    def send_messages(self, messages):
        if FailingBackend.error is not None:
            raise FailingBackend.error
        return super().send_messages(messages)


def outbox() -> list:
    return mail.outbox
