from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.PROVIDER['name']} Kundenportal – Verwaltung"
admin.site.site_title = f"{settings.PROVIDER['name']} Verwaltung"
admin.site.index_title = "Verwaltung"

urlpatterns = [
    path("verwaltung/", admin.site.urls),
    # The API for the provider's own systems (bearer tokens only, no session).
    path("", include("kundenportal.api.urls")),
    # Public pages: catalogue, booking form, certificate check.
    path("", include("kundenportal.events.urls")),
    path("", include("kundenportal.registrations.urls")),
    path("", include("kundenportal.documents.urls")),
    # The one-click unsubscribe of the Fachkunde reminders (a signed link, no login).
    path("", include("kundenportal.qualifications.urls")),
    # Impressum, Datenschutzerklärung, Teilnahmebedingungen, Erklärung zur Barrierefreiheit.
    path("", include("kundenportal.legal.urls")),
    # The participant's portal (login required everywhere in it).
    path("portal/", include("kundenportal.portal.urls")),
]

# German error pages; under /api/ problem documents (JSON), see core/errors.py.
handler404 = "kundenportal.core.errors.not_found"
# German error pages in the site's layout (core/templates/400.html, 403.html, 404.html); the
# 500 page needs neither the database nor a user (core/errors.py).
handler500 = "kundenportal.core.errors.server_error"
