from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from kundenportal.accounts.credentials import person_set_own_password
from kundenportal.accounts.passwords import password_rules_help_html


class LoginForm(AuthenticationForm):
    """Username (case-insensitive) and password."""

    error_messages = {
        "invalid_login": _(
            "Benutzername oder Passwort sind nicht richtig. Bitte achten Sie beim Passwort auf "
            "Groß- und Kleinschreibung."
        ),
        "inactive": _("Dieses Konto ist gesperrt. Bitte wenden Sie sich an uns."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Benutzername")
        self.fields["username"].help_text = _("z. B. max.mustermann")
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "spellcheck": "false", "autocomplete": "username"}
        )
        self.fields["password"].label = _("Passwort")


class _OwnPasswordMixin:
    """Saves through the accounts service: own password set, initial password cleared."""

    user: object
    cleaned_data: dict

    def clean(self):
        # The rules' errors belong under "Neues Passwort", only a mismatch under the repeat
        # (Django puts both under the repeat).
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data

    def _password_fields(self) -> None:
        self.fields["new_password1"].label = _("Neues Passwort")
        self.fields["new_password1"].help_text = password_rules_help_html()
        self.fields["new_password2"].label = _("Neues Passwort wiederholen")
        self.fields["new_password2"].help_text = _(
            "Bitte geben Sie dasselbe Passwort zur Bestätigung noch einmal ein."
        )

    def save(self, commit=True):
        person_set_own_password(person=self.user, raw_password=self.cleaned_data["new_password1"])
        return self.user


class PasswordSetForm(_OwnPasswordMixin, SetPasswordForm):
    """New password without the old one: after a login with an initial password, and in the
    password reset (the link proved who it is)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self._password_fields()


class PasswordChangeOwnForm(_OwnPasswordMixin, PasswordChangeForm):
    """ "Passwort ändern" from "Meine Daten": needs the current password."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Das bisherige Passwort ist nicht richtig."),
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Bisheriges Passwort")
        self._password_fields()


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Benutzername oder E-Mail-Adresse"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Anmerkung (freiwillig)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_(
            "Ich möchte, dass mein Konto mit allen Teilnahmen und Bescheinigungen gelöscht wird."
        ),
        required=True,
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie die Löschung beantragen.")},
    )
