"""Sign-in forms that refuse an impossible username before anything looks it up.

Django's AuthenticationForm sets the username's max_length after the field is built, so no
length validator runs; a username of 256+ characters then reached django-axes, whose column
holds 255, and PostgreSQL answered 500. Such a name cannot belong to anyone: it gets the usual
"enter a correct username and password" error, which tells nothing about who has an account.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class _RefuseImpossibleUsernames(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # tracker.backends signs in with either; an address is up to 254 characters.
        field = cast(forms.CharField, self.fields["username"])
        field.label = _("Email address or username")
        field.max_length = 254
        field.widget.attrs.update(maxlength="254", autocomplete="username")

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > 254:
            raise self.get_invalid_login_error()
        return super().clean()


class SignInForm(_RefuseImpossibleUsernames, AuthenticationForm):
    pass


class AdminSignInForm(_RefuseImpossibleUsernames, AdminAuthenticationForm):
    pass
