from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import URLPattern, include, path
from django.views.decorators.cache import never_cache

from tracker.signin import AdminSignInForm, SignInForm


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on every site, admin pages included."""
    return HttpResponseRedirect(static("favicon.svg"))


# Django's sign-in, sign-out and password pages, none kept by a browser or a proxy: on a shared
# computer, Back after signing out must not show the last student's page (Django marks only
# some of them never_cache).
admin.site.login_form = AdminSignInForm
account_urls = [
    path(
        "login/",
        never_cache(auth_views.LoginView.as_view(authentication_form=SignInForm)),
        name="login",
    ),
    *(
        path(str(route.pattern), never_cache(route.callback), name=route.name)
        for route in auth_urls.urlpatterns
        # Each of Django's auth routes is a named view (a URLPattern, not an include()).
        if isinstance(route, URLPattern) and route.name and route.name != "login"
    ),
]

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("programs.urls")),
]
