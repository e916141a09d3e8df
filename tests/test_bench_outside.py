"""The bench lives outside the product: its peers are routed by bench/settings.py only."""

import pytest
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, resolve, reverse

from tests.factories import StaffFactory
from tracker import urls as product_urls


def _routes(patterns: list, prefix: str = "") -> list[str]:
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def test_the_product_routes_no_bench_page():
    for address in ("/bench/minimal/", "/bench/programmes/", "/bench/admin/"):
        with pytest.raises(Resolver404):
            resolve(address)
    for name in ("bench-minimal", "bench-program-list", "peer-admin:index"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    assert not [route for route in _routes(product_urls.urlpatterns) if "bench" in route]


def test_the_bench_settings_route_the_peers_and_the_product(settings):
    settings.ROOT_URLCONF = "bench.root_urls"
    assert reverse("bench-minimal") == "/bench/minimal/"
    assert reverse("peer-admin:programs_enrollment_changelist") == (
        "/bench/admin/programs/enrollment/"
    )
    assert resolve("/programmes/some-programme/").url_name == "program-detail"


@pytest.mark.django_db
def test_the_peers_show_the_same_data_as_the_pages(settings, client, september_intake, fill):
    settings.ROOT_URLCONF = "bench.root_urls"
    fill(september_intake, 2)
    program = september_intake.program
    public = client.get(reverse("bench-program-detail", kwargs={"slug": program.slug}))
    assert public.status_code == 200
    assert program.name in public.content.decode()
    assert september_intake.name in public.content.decode()
    client.force_login(StaffFactory(username="root"))
    peer = client.get(reverse("peer-admin:programs_enrollment_changelist"))
    assert peer.status_code == 200
    assert peer.context["cl"].result_count == 2
