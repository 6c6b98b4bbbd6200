"""The staff roles: one group per team, with exactly the permissions its work needs.

Each admin page and action checks its own permission (model permissions, and for workflows
that are no plain change of a row the custom ones in the models' ``Meta.permissions``:
``accounts.merge_person``, ``accounts.send_credentials``, ``events.confirm_event``,
``events.cancel_event``, ``events.record_attendance``, ``registrations.import_customers``,
``registrations.rebook_participation``, ``registrations.export_participants``,
``documents.revoke_certificate``, ``documents.export_certificates``).
A staff member gets a role by being put into its group (by a superuser: only superusers
change groups and rights). The groups are created by the migration
``backoffice/0001_staff_roles``; after changing ``ROLES`` add a migration that calls
``roles_sync`` again.
"""

from collections.abc import Mapping

VIEW = ("view",)
EDIT = ("view", "add", "change")
FULL = ("view", "add", "change", "delete")

MARKETING = "Marketing"
SEMINARVERWALTUNG = "Seminarverwaltung"
AUSWERTUNG = "Auswertung"

# Group → model (app_label.model) → permissions: the default actions (view/add/change/delete)
# and custom codenames, spelled out.
ROLES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    # Accounts, companies, address changes, merge, deletion requests, import; the legal
    # pages (Impressum, Datenschutzerklärung, Teilnahmebedingungen, Barrierefreiheit).
    MARKETING: {
        "legal.legaltext": EDIT,
        "accounts.person": (*FULL, "merge_person", "send_credentials"),
        "companies.company": EDIT,
        "companies.addresschange": ("view", "change"),
        "privacy.deletionrequest": ("view", "change"),
        "registrations.registration": ("view", "import_customers"),
        "registrations.participation": VIEW,
        "events.event": VIEW,
    },
    # Events, registrations, documents, attendance, certificates, confirmation.
    SEMINARVERWALTUNG: {
        "events.event": (*FULL, "confirm_event", "cancel_event", "record_attendance"),
        "events.qualification": FULL,
        "qualifications.qualificationexpiry": VIEW,
        "registrations.registration": ("view", "change"),
        "registrations.participation": (
            "view",
            "change",
            "rebook_participation",
            "export_participants",
        ),
        "documents.coursedocument": FULL,
        "documents.onlinelink": FULL,
        "documents.certificate": (*FULL, "revoke_certificate", "export_certificates"),
        "accounts.person": VIEW,
        "companies.company": VIEW,
        "notifications.outboxmail": ("view", "change"),
    },
    # Reads everything the teams keep, changes nothing.
    AUSWERTUNG: {
        "accounts.person": VIEW,
        "companies.company": VIEW,
        "companies.addresschange": VIEW,
        "events.event": VIEW,
        "events.qualification": VIEW,
        "qualifications.qualificationexpiry": VIEW,
        "registrations.registration": VIEW,
        "registrations.participation": VIEW,
        "documents.coursedocument": VIEW,
        "documents.onlinelink": VIEW,
        "documents.certificate": VIEW,
        "privacy.deletionrequest": VIEW,
        "notifications.outboxmail": VIEW,
        "audit.auditentry": VIEW,
        "retention.retentionschedule": VIEW,
        "legal.legaltext": VIEW,
    },
}

DEFAULT_ACTIONS = ("view", "add", "change", "delete")


def _label_permissions(label: str, actions: tuple[str, ...]) -> set[str]:
    app_label, model = label.split(".")
    return {
        f"{app_label}.{f'{action}_{model}' if action in DEFAULT_ACTIONS else action}"
        for action in actions
    }


def role_permissions(role: str) -> set[str]:
    """``app_label.codename`` of every permission of ``role`` (as ``user.has_perm`` spells it)."""
    result = set()
    for label, actions in ROLES[role].items():
        result |= _label_permissions(label, actions)
    return result


def roles_sync(*, apps) -> None:
    """Create the groups of ``ROLES`` and give each exactly its permissions (``apps``: the
    migration's historical apps, or ``django.apps.apps``)."""
    from django.contrib.auth.management import create_permissions

    # On a fresh database the permissions come only after all migrations (post_migrate):
    # create them now, so the groups can get them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        wanted = set()
        for label, actions in ROLES[role].items():
            try:
                apps.get_model(label)
            except LookupError:
                # An app migrated after this migration: a later migration syncs again.
                continue
            wanted |= _label_permissions(label, actions)
        permissions = []
        for name in sorted(wanted):
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            # An earlier migration runs this before a later model exists; the migration that
            # adds the model calls roles_sync again.
            if permission is not None:
                permissions.append(permission)
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions)
