from django.urls import path

from . import views
from .models import LegalText

app_name = "legal"

# The addresses are the pages' German names ("/impressum/", "/datenschutz/", ...).
urlpatterns = [
    path(f"{kind}/", views.legal_page_view, {"kind": kind}, name=kind)
    for kind in LegalText.Kind.values
]
