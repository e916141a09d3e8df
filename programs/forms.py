"""Public forms: applying, and claiming a student record with a new account.

They only clean what a person typed; the rules (one application per intake, funded places that
exist) are checked by programs.services when the view saves.
"""

from __future__ import annotations

import datetime
import re
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .models import FundingSource, Intake
from .phones import parse_phone

# The address erasure writes into a record (programs/erasure.py erased_email).
ERASED_ADDRESS = re.compile(r"erased-\d+@invalid\.example", re.IGNORECASE)

MIN_AGE = 15
MAX_AGE = 100

PRIVACY_NOTICE = _(
    "We use your details only to handle your application and to write to you about it. "
    "The programme's staff see them; we never publish them or give them to anyone else, and "
    "public pages show only counts. You may ask us at any time to see, correct or erase your "
    "data (Rwanda's law on the protection of personal data, 2021)."
)


def _required(message) -> dict:
    return {"required": message}


def age_on(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class ApplicationForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages=_required(_("Please enter your first name.")),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages=_required(_("Please enter your last name.")),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the confirmation and every decision to this address."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Enter a valid email address, for example name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=25,
        help_text=_(
            "As you dial it in your country of residence (e.g. 0788 123 456 in Rwanda), or "
            "with the country code (e.g. +250 788 123 456)."
        ),
        error_messages=_required(_("Please enter your phone number.")),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        error_messages={
            "required": _("Please enter your date of birth."),
            "invalid": _("Enter your date of birth as a date, e.g. 2001-09-30."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    country = CountryField().formfield(
        label=_("Country of residence"),
        error_messages={
            "required": _("Please choose your country."),
            "invalid_choice": _("Please choose a country from the list."),
        },
    )
    funding_source: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Funded place requested (optional)"),
        queryset=FundingSource.objects.none(),
        required=False,
        empty_label=_("No preference"),
        help_text=_("Choose a source if you ask for a funded place; staff decide who gets one."),
        error_messages={"invalid_choice": _("Please choose one of the funding sources listed.")},
    )
    consent = forms.BooleanField(
        label=_("I agree that my personal data is processed to handle my application."),
        error_messages=_required(
            _("We can only handle your application if you agree to the processing of your data.")
        ),
    )
    # A honeypot: hidden from people by CSS (display: none), filled in by naive bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, intake: Intake, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.intake = intake
        self.fields["country"].initial = "RW"
        # A self-funded seat is not a funded place to ask for: it is the absence of one.
        sources = (
            FundingSource.objects.filter(intake_fundings__intake=intake)
            .exclude(kind=FundingSource.Kind.SELF)
            .order_by("name")
        )
        # The model's ForeignKey gives the form a ModelChoiceField.
        cast(forms.ModelChoiceField, self.fields["funding_source"]).queryset = sources
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        about_you = Fieldset(
            _("About you"),
            Div(
                Div("first_name", css_class="col-sm-6"),
                Div("last_name", css_class="col-sm-6"),
                css_class="row",
            ),
            "email",
            "phone",
            Div(
                Div("date_of_birth", css_class="col-sm-6"),
                Div("country", css_class="col-sm-6"),
                css_class="row",
            ),
        )
        funding = Fieldset(_("Funding"), "funding_source")
        if not sources.exists():
            del self.fields["funding_source"]
            funding = None
        privacy = Fieldset(
            _("Your personal data"),
            HTML(format_lazy('<p class="small" id="privacy-notice">{}</p>', PRIVACY_NOTICE)),
            Field("consent", aria_describedby="privacy-notice"),
        )
        self.helper.layout = Layout(
            *[part for part in (about_you, funding, privacy) if part is not None],
            # Hidden from people by CSS (display: none), so only bots fill it in.
            Div(Field("website"), css_class="form-extra"),
            Submit("submit", _("Send my application"), css_class="btn-lg"),
        )

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if ERASED_ADDRESS.fullmatch(email):
            # The address erasure gives a record: it belongs to nobody.
            raise ValidationError(_("Enter your own email address."), code="erased")
        return email

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if "phone" in cleaned:
            # Read in the country of residence (the field after it; Rwanda when it is missing
            # or wrong): "0788 123 456" from Rwanda is "+250788123456".
            try:
                cleaned["phone"] = parse_phone(cleaned["phone"], cleaned.get("country"))
            except ValidationError as error:
                self.add_error("phone", error)
        return cleaned

    def clean_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(
                _("Your date of birth cannot be in the future."), code="future"
            )
        age = age_on(born, today)
        if not MIN_AGE <= age <= MAX_AGE:
            raise forms.ValidationError(
                _(
                    "Please check your date of birth: applicants must be between %(min)d and "
                    "%(max)d years old, and this date makes you %(age)d."
                ),
                code="implausible",
                params={"min": MIN_AGE, "max": MAX_AGE, "age": age},
            )
        return born

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class ClaimForm(forms.Form):
    email = forms.EmailField(
        label=_("The email address you applied with"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Enter a valid email address, for example name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("email", Submit("submit", _("Email me a link")))


def free_username(email: str) -> str:
    """The account's username: the address itself where it fits and is free (people sign in
    with their address anyway), else its local part with a number."""
    users = get_user_model()._default_manager
    email = email.strip().lower()
    if len(email) <= 150 and not users.filter(username__iexact=email).exists():
        return email
    local = email.split("@")[0][:140] or "student"
    n = 1
    while users.filter(username__iexact=f"{local}-{n}").exists():
        n += 1
    return f"{local}-{n}"


class ClaimAccountForm(BaseUserCreationForm):
    """Choose a password for a new account linked to a student record; they sign in with the
    address they applied with (no username to invent)."""

    class Meta:
        model = get_user_model()
        fields = ()

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.instance.username = free_username(email)
        self.fields["password1"].widget.attrs["autofocus"] = True
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "password1", "password2", Submit("submit", _("Create my account"))
        )
