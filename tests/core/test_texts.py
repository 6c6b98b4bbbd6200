"""One way for German texts: what Python gives the UI is a German source string in gettext.

Pages and mails keep their text in templates; model and field names, choice labels and app
names are marked with ``gettext_lazy`` (README "Texts"). A plain string here means a text
that escaped the rule.
"""

from django.apps import apps
from django.utils.functional import Promise


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("kundenportal.")]


def test_model_and_field_names_and_choice_labels_are_marked():
    plain = []
    for model in _project_models():
        opts = model._meta
        for attr in ("verbose_name", "verbose_name_plural"):
            if attr in opts.original_attrs and not isinstance(getattr(opts, attr), Promise):
                plain.append(f"{opts.label}.Meta.{attr}")
        for field in opts.get_fields(include_parents=False):
            if field.auto_created or not field.concrete or field.is_relation:
                continue
            if field.model is not model:
                continue
            if field.name == "password":  # Django's own AbstractBaseUser field
                continue
            if field.verbose_name != field.name.replace("_", " ") and not isinstance(
                field.verbose_name, Promise
            ):
                plain.append(f"{opts.label}.{field.name}")
            for _value, label in field.flatchoices or []:
                if isinstance(label, str) and not isinstance(label, Promise) and label:
                    plain.append(f"{opts.label}.{field.name} choice {label!r}")
    assert plain == []


def test_app_names_are_marked():
    plain = [
        config.label
        for config in apps.get_app_configs()
        if config.name.startswith("kundenportal.") and not isinstance(config.verbose_name, Promise)
    ]
    assert plain == []
