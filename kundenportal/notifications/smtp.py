"""Django's SMTP backend, plus a record of recipients the server refused.

``smtplib.SMTP.sendmail`` raises only when *every* recipient is refused; when some are
accepted it returns the refused ones, and Django drops that answer. The outbox worker wants
it: such a mail reached someone (so it is not sent again), but staff should see who missed it.
"""

import smtplib

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address


class EmailBackend(smtp.EmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # {address: (code, message)} of the last message sent through this connection.
        self.refused: dict[str, tuple[int, bytes]] = {}

    def _send(self, email_message):
        self.refused = {}
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
        message = email_message.message()
        try:
            self.refused = self.connection.sendmail(
                from_email, recipients, message.as_bytes(linesep="\r\n")
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
