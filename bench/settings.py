"""The bench's settings: the product's, plus the baseline views, which the product never routes."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.root_urls"
