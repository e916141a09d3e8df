"""The bench lives outside the product: its baseline views are routed by bench/settings.py only."""

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse


def test_the_product_routes_no_bench_page():
    with pytest.raises(Resolver404):
        resolve("/bench/minimal/")
    with pytest.raises(NoReverseMatch):
        reverse("bench-minimal")


def test_the_bench_settings_route_its_baseline_views(settings):
    settings.ROOT_URLCONF = "bench.root_urls"
    assert reverse("bench-minimal") == "/bench/minimal/"
    assert resolve("/programmes/some-programme/").url_name == "program-detail"
