from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "first_day",
        "last_day",
        "format",
        "place",
        "capacity",
        "status",
    ]
    list_filter = ["status", "format"]
    search_fields = ["number", "title", "place"]
    date_hierarchy = "first_day"
    readonly_fields = ["confirmed_at", "created_at", "updated_at"]
