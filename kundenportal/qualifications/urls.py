from django.urls import path

from . import views

app_name = "qualifications"

urlpatterns = [
    path(
        "fachkunde/erinnerungen/abbestellen/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
]
