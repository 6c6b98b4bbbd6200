from django.conf import settings

from .periods import periods


def provider(request):
    """Configuration every page may show: the provider's name and contact data, and the
    periods (``periods.certificate_years`` …) the texts name."""
    return {"provider": settings.PROVIDER, "periods": periods()}
