"""Every table that holds personal data belongs to exactly one category of the register
(``privacy.register``), which states how it is exported, erased and kept. A new model with a
link to a person, a file, or a field that holds names or addresses fails here until a
category takes it."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models as db_models

from kundenportal.privacy.register import POLICIES, REGISTER, Category, active_policies

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


def _owners() -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for category in REGISTER:
        for label in category.models:
            owners.setdefault(label, []).append(category.key)
    return owners


def _file_models() -> set[str]:
    return {
        m._meta.label_lower
        for m in apps.get_models()
        if any(isinstance(f, db_models.FileField) for f in m._meta.concrete_fields)
    }


def test_every_table_with_personal_data_or_files_belongs_to_exactly_one_category():
    owners = _owners()
    needed = {**_personal_models(), **dict.fromkeys(_file_models(), "a file field")}
    missing = {label: why for label, why in needed.items() if label not in owners}
    assert missing == {}, "add the table to a category of privacy.register"
    twice = {label: keys for label, keys in owners.items() if len(keys) > 1}
    assert twice == {}


def test_the_register_names_only_tables_that_exist():
    existing = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert {label for label in _owners() if label not in existing} == set()


def test_company_and_username_series_have_a_stated_rule():
    owners = _owners()
    for label in ("companies.company", "accounts.usernameseries"):
        (key,) = owners[label]
        category = next(c for c in REGISTER if c.key == key)
        assert category.kept, label


def _overrides(category: Category, method: str) -> bool:
    return getattr(type(category), method) is not getattr(Category, method)


def test_every_category_states_export_erasure_and_retention():
    for category in REGISTER:
        # Export: what the export holds of it, or why nothing.
        assert bool(category.export_key) == _overrides(category, "export"), category
        assert category.export_key or category.not_exported, category
        # Erasure: a step for a batch of accounts, or what happens instead.
        assert _overrides(category, "erase") or category.erase_note, category
        # Retention: its policies, or why it is kept; the Auskunft's texts.
        assert list(category.policies()) or category.kept, category
        for text in (category.label, category.purpose, category.source, category.retention):
            assert text, category
        assert category.quote.startswith(("FAQ:", "SPEC:")), category


def test_every_policy_belongs_to_a_category_that_owns_its_table():
    owners = _owners()
    for category in REGISTER:
        for policy in category.policies():
            model = policy.model()
            if model is not None:
                assert owners.get(model._meta.label_lower) == [category.key], policy.key
    keys = [policy.key for policy in POLICIES]
    assert len(keys) == len(set(keys))
    assert len(active_policies(POLICIES)) >= len(keys) - 4


def test_the_register_is_explained_in_the_readme():
    readme = README.read_text()
    for category in REGISTER:
        assert f"`{category.key}`" in readme, category.key
        for label in category.models:
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
    assert {"documents.certificate", "documents.coursedocument"} <= _file_models()
