"""The register's own promises: the export names every kind of mail, the erasure runs the
categories in an order that keeps the notice and the logs right."""

from pathlib import Path

from django.conf import settings

from kundenportal.privacy.register import MAIL_KINDS, REGISTER, category, erase_order


def test_every_mail_template_has_a_label_in_the_export():
    templates = {
        path.name.removesuffix(".subject.txt")
        for path in Path(settings.BASE_DIR, "kundenportal").glob(
            "*/templates/notifications/mail/*.subject.txt"
        )
    }
    assert templates
    assert templates - set(MAIL_KINDS) == set()


def test_erasure_order_mails_first_accounts_last():
    order = [one.key for one in erase_order()]
    assert order[0] == "outbox"
    assert order[-1] == "person"
    # The booking records and requests lose the name before the logs are rewritten, and
    # the logs before the rows they name go.
    assert order.index("registrations") < order.index("audit_entries")
    assert order.index("audit_entries") < order.index("participations")
    assert order.index("certificates") < order.index("person")


def test_keys_are_unique():
    keys = [one.key for one in REGISTER]
    assert len(keys) == len(set(keys))
    exports = [one.export_key for one in REGISTER if one.export_key]
    assert len(exports) == len(set(exports))
    assert category("certificates").export_key == "bescheinigungen"
