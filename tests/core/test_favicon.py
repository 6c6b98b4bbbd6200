"""The favicon: a static file WhiteNoise serves, linked by the public and the admin base."""

from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_the_favicon_is_served_and_linked():
    client = Client()
    for name, kind in (("favicon.svg", "image/svg+xml"), ("favicon.png", "image/png")):
        response = client.get(f"/static/img/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith(kind)
    for template in (
        "kundenportal/core/templates/base.html",
        "kundenportal/templates/admin/base_site.html",
    ):
        source = (ROOT / template).read_text()
        assert 'rel="icon" href="{% static \'img/favicon.svg\' %}"' in source, template
