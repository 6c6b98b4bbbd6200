from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", views.LogoutView.as_view(), name="logout"),
    path("passwort-festlegen/", views.password_set, name="password_set"),
    path("passwort-vergessen/", views.password_reset, name="password_reset"),
    path("passwort-vergessen/gesendet/", views.password_reset_done, name="password_reset_done"),
    path(
        "passwort-vergessen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passwort-vergessen/fertig/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("teilnahmen/", views.participations, name="participations"),
    path(
        "teilnahmen/<int:pk>/kalender.ics",
        views.participation_calendar,
        name="participation_calendar",
    ),
    path("unterlagen/", views.course_documents, name="course_documents"),
    path(
        "unterlagen/<int:pk>/herunterladen/",
        views.course_document_download,
        name="course_document_download",
    ),
    path("dokumente/", views.documents, name="documents"),
    path(
        "dokumente/bescheinigungen/<int:pk>/herunterladen/",
        views.certificate_download,
        name="certificate_download",
    ),
    path("dokumente/online/<int:pk>/", views.online_link_open, name="online_link_open"),
    path("daten/", views.data, name="data"),
    path("daten/passwort/", views.password_change, name="password_change"),
    path(
        "daten/fachkunde-erinnerungen/",
        views.qualification_reminders,
        name="qualification_reminders",
    ),
    path("daten/herunterladen/", views.data_export, name="data_export"),
    path("daten/konto-loeschen/", views.deletion_request, name="deletion_request"),
]
