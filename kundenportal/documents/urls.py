from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path(
        "bescheinigung/pruefen/<str:code>/",
        views.certificate_check,
        name="certificate_check",
    ),
]
