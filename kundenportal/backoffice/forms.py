from django import forms
from django.utils.translation import gettext_lazy as _

from kundenportal.core.uploads import allowed_extensions, upload_check


class MultipleFileInput(forms.ClearableFileInput):
    """``<input type=file multiple>`` (Django docs, "Uploading multiple files")."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)]


class CourseDocumentsUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Dateien"),
        error_messages={"required": _("Bitte wählen Sie mindestens eine Datei aus.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in allowed_extensions()
        )

    def clean_files(self):
        files = self.cleaned_data["files"]
        errors = [error for upload in files for error in upload_check(upload)]
        if errors:
            raise forms.ValidationError(errors)
        return files


class CertificateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bescheinigung (PDF)"),
        error_messages={"required": _("Bitte wählen Sie eine PDF-Datei aus.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    issued_on = forms.DateField(
        label=_("Ausgestellt am"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        help_text=_("TT.MM.JJJJ; leer lassen für heute."),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        errors = upload_check(upload, allowed=("pdf",))
        if errors:
            raise forms.ValidationError(errors)
        return upload
