"""Sign-in forms that refuse an impossible username before anything looks it up.

Django's AuthenticationForm sets the username's max_length after the field is built, so no
length validator runs; a username of 256+ characters then reached django-axes, whose column
holds 255, and PostgreSQL answered 500. Such a name cannot belong to anyone: it gets the usual
"enter a correct username and password" error, which tells nothing about who has an account.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class _RefuseImpossibleUsernames:
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > (self.fields["username"].max_length or 150):
            raise self.get_invalid_login_error()
        return super().clean()


class SignInForm(_RefuseImpossibleUsernames, AuthenticationForm):
    pass


class AdminSignInForm(_RefuseImpossibleUsernames, AdminAuthenticationForm):
    pass
