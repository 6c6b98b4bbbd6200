from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import LegalText
from .selectors import legal_initial, legal_published
from .services import legal_text_create, legal_text_publish


class LegalTextForm(forms.ModelForm):
    publish = forms.BooleanField(
        label=_("Sofort veröffentlichen"),
        required=False,
        initial=True,
        help_text=_(
            "Ohne Haken wird die Fassung nur gespeichert; veröffentlichen können Sie sie später "
            "in der Liste mit der Aktion „Ausgewählte Fassung veröffentlichen“."
        ),
    )

    class Meta:
        model = LegalText
        fields = ["kind", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin):
    """Each save is a new version (versions are never changed or deleted: a registration
    names the versions of the terms and the privacy notice it accepted). No personal data:
    the services write the audit entries of saving and publishing."""

    form = LegalTextForm
    list_display = ["kind", "version", "title", "created_at", "published_at", "shown"]
    list_filter = ["kind"]
    actions = ["publish"]
    readonly_fields = ["kind", "version", "title", "body", "created_at", "published_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "title", "body", "publish"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_changeform_initial_data(self, request):
        """A new version starts from the newest one of its page (or the default text)."""
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind") or request.GET.get("kind")
        if kind in LegalText.Kind.values:
            initial["kind"] = kind
            initial["title"], initial["body"] = legal_initial(kind=kind)
        return initial

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Read-only: a new version is made with "Rechtstext hinzufügen".
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Wird angezeigt"), boolean=True)
    def shown(self, obj):
        published = legal_published(kind=obj.kind)
        return published is not None and published.pk == obj.pk

    def save_model(self, request, obj, form, change):
        if change:
            return  # a version is never changed; the change page is read-only
        text = legal_text_create(
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            publish=form.cleaned_data["publish"],
            actor=request.user,
        )
        obj.pk, obj.version, obj.published_at = text.pk, text.version, text.published_at
        obj.created_at = text.created_at
        obj._state.adding = False

    @admin.action(description=_("Ausgewählte Fassung veröffentlichen"), permissions=["change"])
    def publish(self, request, queryset):
        texts = list(queryset)
        if len({text.kind for text in texts}) != len(texts):
            self.message_user(
                request,
                _("Bitte wählen Sie je Seite höchstens eine Fassung aus."),
                messages.ERROR,
            )
            return
        for text in texts:
            legal_text_publish(text=text, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d Fassung veröffentlicht.",
                "%(count)d Fassungen veröffentlicht.",
                len(texts),
            )
            % {"count": len(texts)},
            messages.SUCCESS,
        )
