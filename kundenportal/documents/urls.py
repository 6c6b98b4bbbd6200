from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("bescheinigung/pruefen/", views.certificate_check_form, name="certificate_check_form"),
    path(
        "bescheinigung/pruefen/<str:code>/",
        views.certificate_check,
        name="certificate_check",
    ),
]
