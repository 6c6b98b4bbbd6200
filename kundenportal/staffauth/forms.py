from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        error_messages={"required": "Bitte geben Sie einen Code ein."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label="Code aus der App",
        min_length=6,
        max_length=12,
        error_messages={
            "required": "Bitte geben Sie den Code aus der App ein.",
            "min_length": "Der Code aus der App hat sechs Ziffern.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
