"""The request a view behind a sign-in receives, for the type checker.

django-stubs types `request.user` as `User | AnonymousUser`: true for any view, but a view
under `login_required`, or an admin view (the admin site lets only active staff in), always
has a signed-in user. Annotating such a view's request as `AuthenticatedHttpRequest` says so,
as django-stubs recommends, and changes nothing at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
