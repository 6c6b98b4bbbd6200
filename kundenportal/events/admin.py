"""The plain Event admin: fields, list, search.

Not registered here: ``backoffice/admin.py`` assembles the one Event admin from this base and
the workflows of the apps above (confirmation, attendance, documents, certificates).
"""

from django.contrib import admin


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
