from django.contrib import admin

from .models import Participation, Registration


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    raw_id_fields = ["person", "event"]
    readonly_fields = ["confirmation_sent_at", "created_at"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "correspondence_email", "company_name", "review", "created_at"]
    list_filter = ["review"]
    search_fields = ["correspondence_email", "company_name", "event__number", "event__title"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    readonly_fields = ["submission_token", "created_at", "consent_at", "reviewed_at", "reviewed_by"]
    inlines = [ParticipationInline]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "status", "confirmation_sent_at"]
    list_filter = ["status"]
    search_fields = ["person__username", "person__last_name", "event__number"]
    list_select_related = ["person", "event"]
    raw_id_fields = ["person", "event", "registration"]
