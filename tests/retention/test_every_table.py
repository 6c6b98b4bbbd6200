"""Every table that holds personal data has a retention policy, or a written reason why none
(``WITHOUT_POLICY``, repeated in the README). A new model with a link to a person, or with a
field that holds names or addresses, fails here until it gets one."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

from kundenportal.retention.policies import POLICIES, WITHOUT_POLICY, active_policies

# Field names that hold a name, an address, an identifier of a person or their traffic.
MARKERS = {
    "username",
    "first_name",
    "last_name",
    "email",
    "correspondence_email",
    "to",
    "street",
    "phone",
    "remarks",
    "ip_address",
    "user_agent",
    "session_data",
    "actor_label",
    "object_repr",
    "filename",
}
README = Path(settings.BASE_DIR) / "README.md"


def _personal_models() -> dict[str, str]:
    """label → why it counts: a marker field, a link to the person model, or a foreign key
    to another model with personal data (a certificate hangs on a participation)."""
    user = apps.get_model(settings.AUTH_USER_MODEL)
    models = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]
    found: dict[str, str] = {}
    for model in models:
        fields = model._meta.concrete_fields
        marker = next((f.name for f in fields if f.name in MARKERS), None)
        link = next((f.name for f in fields if f.is_relation and f.related_model is user), None)
        if model is user or marker or link:
            found[model._meta.label_lower] = f"field {marker or link}"
    grew = True
    while grew:
        grew = False
        for model in models:
            label = model._meta.label_lower
            if label in found:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model._meta.label_lower in found:
                    found[label] = f"link {f.name} to {f.related_model._meta.label_lower}"
                    grew = True
                    break
    return found


def test_every_table_with_personal_data_has_a_policy_or_a_reason():
    covered = {model._meta.label_lower for _policy, model in active_policies(POLICIES)}
    missing = {
        label: why
        for label, why in _personal_models().items()
        if label not in covered and label not in WITHOUT_POLICY
    }
    assert missing == {}, "add a policy or a reason in WITHOUT_POLICY and the README"


def test_the_tables_without_policy_are_explained_in_the_readme():
    readme = README.read_text()
    for label in WITHOUT_POLICY:
        assert f"`{label}`" in readme, label


def test_the_marker_search_finds_what_it_must():
    # The search itself works: it sees the known personal-data tables of every kind.
    found = _personal_models()
    for label in (
        "accounts.person",
        "sessions.session",
        "axes.accessattempt",
        "admin.logentry",
        "notifications.outboxmail",
        "documents.certificate",
        "axes.accessattemptexpiration",
    ):
        assert label in found, label
