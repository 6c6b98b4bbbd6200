from django.conf import settings


def provider(request):
    """The provider's name and contact data for every page (configuration, not code)."""
    return {"provider": settings.PROVIDER}
