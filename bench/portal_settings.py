"""Settings for bench/portal.py: production settings plus a trivial view to compare with."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.portal_urls"
