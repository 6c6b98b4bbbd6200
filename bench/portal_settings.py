"""Settings for the benches: production settings plus a trivial view to compare with.

The demo app (``seed_large``, ``seed_demo``) is installed as well: the benches fill their own
databases with production settings.
"""

from config.settings import *  # noqa: F403

if "kundenportal.demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "kundenportal.demo"]  # noqa: F405

ROOT_URLCONF = "bench.portal_urls"
