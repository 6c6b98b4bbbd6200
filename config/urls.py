from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.PROVIDER['name']} Kundenportal – Verwaltung"
admin.site.site_title = f"{settings.PROVIDER['name']} Verwaltung"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    path("verwaltung/", admin.site.urls),
    path("", include("kundenportal.events.urls")),
    # --- registration (issue 3) ---
    path("", include("kundenportal.registrations.urls")),
]

# --- Participant portal (issue 5) -----------------------------------------------------------
urlpatterns += [
    path("portal/", include("kundenportal.portal.urls")),
]

# --- Public certificate check (documents branch) --------------------------------------------
urlpatterns += [
    path("", include("kundenportal.documents.urls")),
]
