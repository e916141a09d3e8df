"""The product's URLs and, under /bench/, the baseline views the pages are compared with."""

from django.urls import include, path

from tracker.urls import urlpatterns as product_urls

urlpatterns = [*product_urls, path("bench/", include("bench.urls"))]
