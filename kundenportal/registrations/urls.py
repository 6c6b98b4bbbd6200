from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("veranstaltungen/<str:number>/anmelden/", views.start, name="start"),
    path(
        "veranstaltungen/<str:number>/anmelden/teilnehmer/",
        views.participants,
        name="participants",
    ),
    path("veranstaltungen/<str:number>/anmelden/adresse/", views.address, name="address"),
    path("veranstaltungen/<str:number>/anmelden/abschluss/", views.finish, name="finish"),
    path("veranstaltungen/<str:number>/anmelden/danke/", views.thanks, name="thanks"),
]
