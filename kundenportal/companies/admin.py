from django.contrib import admin

from .models import AddressChange, Company


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "city", "phone"]
    search_fields = ["name", "city", "postal_code"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        ("Adresse", {"fields": ["street", "postal_code", "city", "country", "phone"]}),
    ]


@admin.register(AddressChange)
class AddressChangeAdmin(admin.ModelAdmin):
    list_display = ["person", "company_name", "city", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["person__username", "person__last_name", "company_name"]
    list_select_related = ["person"]
    raw_id_fields = ["person", "company"]
    readonly_fields = ["created_at", "decided_at", "decided_by"]
