"""Tabular inlines of the back office whose inputs have accessible names.

Django's tabular inline names its columns in the table head only; the inputs in the rows have
no label (axe: "Form elements must have labels", WCAG 4.1.2). Each input here gets its column
name and its row as ``aria-label``.
"""

from django.contrib import admin
from django.utils.translation import gettext as _


class LabelledTabularInline(admin.TabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if form.instance.pk:
                    row = str(form.instance)
                else:
                    row = _("neue Zeile %(number)d") % {"number": (index or 0) + 1}
                for name, field in form.fields.items():
                    label = _("Löschen") if name == "DELETE" else field.label
                    field.widget.attrs.setdefault("aria-label", f"{label}: {row}")

        return LabelledFormSet
