import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kundenportal.accounts.models import Person
from kundenportal.core.text import match_key

from .services.booking import MAX_PARTICIPANTS

# Person.name_key holds "vorname nachname" normalised (310 characters).
MAX_NAME_KEY_LENGTH = 150
# Company.name_key holds the normalised company name (200 characters).
MAX_COMPANY_KEY_LENGTH = 200

# Letters of any script, combining marks, and the separators names really contain.
_NAME_EXTRA = set(" -'’.")


def clean_person_name(value: str) -> str:
    """A first or last name: letters of any script, spaces, hyphen, apostrophe, period.

    Rejects names without any letter ("123", "😀") and anything else that no name has.
    """
    value = " ".join(unicodedata.normalize("NFC", value or "").split())
    if not value:
        raise ValidationError(_("Bitte geben Sie den Namen an."), code="required")
    if not any(ch.isalpha() for ch in value):
        raise ValidationError(_("Ein Name muss Buchstaben enthalten."), code="no_letters")
    # Transliteration can make a name much longer (中 → "Zhong"); the normalised name is what
    # is stored for matching, and it has to fit.
    if len(match_key(value)) > MAX_NAME_KEY_LENGTH:
        raise ValidationError(_("Der Name ist zu lang."), code="too_long")
    for ch in value:
        if not (ch.isalpha() or ch in _NAME_EXTRA or unicodedata.category(ch).startswith("M")):
            raise ValidationError(
                _(
                    "Der Name darf nur Buchstaben, Leerzeichen, Bindestrich und Apostroph "
                    "enthalten (nicht erlaubt: „%(char)s“)."
                ),
                code="invalid_char",
                params={"char": ch},
            )
    return value


def _text(value: str) -> str:
    return " ".join((value or "").split())


class ParticipantForm(forms.Form):
    salutation = forms.ChoiceField(
        label=_("Anrede"), choices=Person.Salutation.choices, required=False
    )
    title = forms.CharField(label=_("Titel"), max_length=50, required=False)
    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    email = forms.EmailField(
        label=_("Eigene E-Mail-Adresse (optional)"),
        required=False,
        max_length=254,
        help_text=_("Die Durchführungsbestätigung geht dann auch an diese Adresse."),
    )

    def clean_first_name(self):
        return clean_person_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_person_name(self.cleaned_data["last_name"])

    def clean_title(self):
        title = _text(self.cleaned_data["title"])
        if title and not re.fullmatch(r"[^\W\d_][\w .\-]*", title):
            raise ValidationError(_("Bitte geben Sie einen Titel wie „Dr.“ an."))
        return title


class BaseParticipantFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "Das Formular ist unvollständig angekommen. Bitte laden Sie die Seite neu."
        ),
        "too_few_forms": _("Bitte geben Sie mindestens eine Person an."),
        "too_many_forms": _("Bitte melden Sie höchstens %(num)d Personen auf einmal an."),
    }

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            key = match_key(
                f"{form.cleaned_data.get('first_name', '')} {form.cleaned_data.get('last_name', '')}"
            )
            if key in seen:
                raise ValidationError(
                    _("Eine Person ist mehrfach angegeben. Bitte jede Person nur einmal.")
                )
            seen.add(key)


ParticipantFormSet = forms.formset_factory(
    ParticipantForm,
    formset=BaseParticipantFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_PARTICIPANTS,
    validate_max=True,
    absolute_max=MAX_PARTICIPANTS,
)


class ContactForm(forms.Form):
    correspondence_email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_(
            "Ihre Korrespondenzadresse: an sie senden wir die Anmeldebestätigung und alle "
            "weiteren Mitteilungen zu dieser Anmeldung, auch die Zugangsdaten der Teilnehmenden."
        ),
    )


class AddressForm(forms.Form):
    is_private = forms.BooleanField(label=_("Privatadresse (keine Firma)"), required=False)
    company_name = forms.CharField(label=_("Firma"), max_length=200, required=False)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200)
    postal_code = forms.CharField(label=_("PLZ"), max_length=20)
    city = forms.CharField(label=_("Ort"), max_length=100)
    country = forms.CharField(label=_("Land"), max_length=100, initial="Deutschland")
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)

    def clean_company_name(self):
        name = _text(self.cleaned_data["company_name"])
        if name and not match_key(name):
            raise ValidationError(_("Bitte geben Sie den Namen der Firma an."))
        if len(match_key(name)) > MAX_COMPANY_KEY_LENGTH:
            raise ValidationError(_("Der Firmenname ist zu lang."))
        return name

    def clean_street(self):
        return _text(self.cleaned_data["street"])

    def clean_city(self):
        return _text(self.cleaned_data["city"])

    def clean_country(self):
        return _text(self.cleaned_data["country"]) or "Deutschland"

    def clean_phone(self):
        phone = _text(self.cleaned_data["phone"])
        if phone and not re.fullmatch(r"\+?[0-9 ()/\-]{4,}", phone):
            raise ValidationError(_("Bitte geben Sie eine gültige Telefonnummer an."))
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("is_private") and not data.get("company_name"):
            self.add_error(
                "company_name",
                _("Bitte geben Sie die Firma an oder wählen Sie „Privatadresse“."),
            )
        if data.get("is_private"):
            data["company_name"] = ""
        postal_code = _text(data.get("postal_code", ""))
        country = match_key(data.get("country", ""))
        if (
            postal_code
            and country in ("deutschland", "germany", "de")
            and not re.fullmatch(r"\d{5}", postal_code)
        ):
            self.add_error("postal_code", _("Eine deutsche PLZ hat fünf Ziffern."))
        data["postal_code"] = postal_code
        return data


HONEYPOT_FIELD = "kp_rueckruf_nummer"


class FinishForm(forms.Form):
    # Hidden from people (CSS, aria-hidden, no tab stop); programs that fill every field
    # fill it too.
    kp_rueckruf_nummer = forms.CharField(
        label=_("Dieses Feld bitte leer lassen"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    remarks = forms.CharField(
        label=_("Bemerkungen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Zum Beispiel bei einem Firmenwechsel: „Firmenwechsel, bisheriger Benutzername "
            "max.mustermann“ – dann behalten Sie Ihr Konto. Wir lesen jede Bemerkung, bevor wir "
            "die Anmeldung weiter bearbeiten: Die Zugangsdaten zum Kundenportal versenden wir "
            "erst, wenn wir Ihre Bemerkung gelesen haben."
        ),
    )
    accept_terms = forms.BooleanField(
        label=_("Ich akzeptiere die Teilnahmebedingungen (AGB)."),
        error_messages={"required": _("Bitte stimmen Sie den AGB zu.")},
    )
    accept_privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzerklärung gelesen und stimme ihr zu."),
        error_messages={"required": _("Bitte stimmen Sie der Datenschutzerklärung zu.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The documents open in a new window, so nothing typed in the form is lost.
        for name, kind, text in (
            ("accept_terms", "teilnahmebedingungen", _("Teilnahmebedingungen lesen")),
            ("accept_privacy", "datenschutz", _("Datenschutzerklärung lesen")),
        ):
            self.fields[name].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{} {}</a> – {}',
                reverse(f"legal:{kind}"),
                text,
                _("(öffnet in einem neuen Fenster)"),
                _("Ihre Angaben hier bleiben erhalten."),
            )

    def clean_kp_rueckruf_nummer(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise ValidationError(
                _("Bitte lassen Sie das Feld „Dieses Feld bitte leer lassen“ leer."),
                code="honeypot",
            )
        return ""
