from django.urls import path

from .api import api
from .views import reference

urlpatterns = [
    path("api/v1/docs", reference, name="api-reference"),
    path("api/v1/", api.urls),
]
