from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("veranstaltungen/<str:number>/", views.event_detail, name="detail"),
]
