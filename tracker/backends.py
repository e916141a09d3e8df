"""Sign in with an email address or a username.

Students know the address they applied with; few remember a username. Django's ModelBackend
looks the username up; this one also tries the address, on the account (User.email) and on the
student record linked to it, case-insensitively. An address that more than one account holds
signs nobody in (the username still does), so no one can reach another's account through it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpRequest


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username or "@" not in username or password is None:
            return user
        users = User._default_manager
        matches = list(
            users.filter(Q(email__iexact=username) | Q(student__email__iexact=username))
            .distinct()
            .order_by("pk")[:2]
        )
        if len(matches) != 1:
            users.model().set_password(password)  # as long as a real check (no timing oracle)
            return None
        candidate = matches[0]
        if candidate.check_password(password) and self.user_can_authenticate(candidate):
            return candidate
        return None
