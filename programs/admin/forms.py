"""Admin forms and form sets. They clean input and ask programs.services about the rules."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.forms.models import BaseInlineFormSet

from .. import services
from ..models import Enrollment, FundingShare, Intake, IntakeFunding

REASON_HELP = "Optional. Kept in the enrollment's history with your name and the time."


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form, on the field it names when shown."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class EnrollmentAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=REASON_HELP,
    )

    class Meta:
        model = Enrollment
        fields = [
            "student",
            "intake",
            "status",
            "funding_source",
            "waitlist_position",
            "notes",
            "exit_reason",
            "exit_date",
            "completed_on",
            "offer_expires_on",
        ]

    def _post_clean(self) -> None:
        # django-stubs lacks ModelForm._post_clean, which Django runs once the instance is built.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            # Runs inside the admin's transaction: the intake stays locked until the save.
            services.enrollment_check(enrollment=self.instance)
        except ValidationError as error:
            add_errors(self, error)


class IntakeAdminForm(forms.ModelForm):
    # Optional in the form: left empty, the intake keeps its response time (14 days for a new
    # one), so a page saved from an older tab or a script does not fail for a new field.
    offer_response_days = forms.IntegerField(
        label="Days to answer an offer",
        required=False,
        min_value=1,
        max_value=365,
        help_text="An offer made today expires this many days later (14 when left empty).",
    )

    class Meta:
        model = Intake
        fields = [
            "program",
            "name",
            "capacity",
            "start_date",
            "end_date",
            "applications_open_on",
            "applications_close_on",
            "offer_response_days",
        ]

    def clean_offer_response_days(self) -> int:
        value = self.cleaned_data.get("offer_response_days")
        return value or self.instance.offer_response_days or 14

    # Set by IntakeAdmin.get_form: when the funded-places inline comes with the form, it checks
    # the funded places as planned, and the form checks only the capacity against the seats.
    checked_by_formsets = False

    def _post_clean(self) -> None:
        # django-stubs lacks ModelForm._post_clean, which Django runs once the instance is built.
        super()._post_clean()  # type: ignore[misc]
        if self.errors or not self.instance.pk:
            return
        try:
            # Inside the admin's transaction: the intake stays locked until the save.
            if self.checked_by_formsets:
                services.intake_capacity_check(intake=self.instance)
            else:
                services.intake_check(intake=self.instance)
        except ValidationError as error:
            add_errors(self, error)


def _kept_forms(formset: BaseInlineFormSet):
    """The rows a valid form set keeps: saved ones not ticked for deletion, and filled new ones."""
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if formset.can_delete and form.cleaned_data.get("DELETE"):
            continue
        yield form


class LabelledRowsFormSet(BaseInlineFormSet):
    """A table's inputs named for screen readers: the admin's tabular inline shows the labels
    only as column headings, so each input gets its field's label as aria-label (axe-core's
    label-title-only rule)."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
            widget.attrs.setdefault("aria-label", str(field.label))


class IntakeFundingFormSet(LabelledRowsFormSet):
    """The intake page's funded places, checked together as they would be after the save."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.capacity is None:
            return
        places: dict[int, int] = {}
        for form in _kept_forms(self):
            source = form.cleaned_data.get("funding_source") or form.instance.funding_source
            places[source.pk] = form.cleaned_data.get("places", form.instance.places)
        try:
            services.intake_places_check(intake=self.instance, places=places)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class SafeAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that survives a submitted value that is no key at all.

    The stock widget looks the submitted value up again to show its label, and a value such as
    "abc" for an integer key raises there (a 500) when the form comes back with its errors.
    """

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.pk
        valid = [item for item in value if _is_key(target, item, self.db)]
        return super().optgroups(name, valid, attr)


def _is_key(target, value, using: str | None) -> bool:
    """Whether `value` can be looked up as the key `target` without the database raising."""
    if value is None or "\x00" in str(value):
        return False
    try:
        key = target.to_python(value)
    except ValidationError:
        return False
    if isinstance(key, int):
        low, high = connections[using or DEFAULT_DB_ALIAS].ops.integer_field_range(
            target.get_internal_type()
        )
        return (low is None or key >= low) and (high is None or key <= high)
    return True


class SafeModelChoiceField(forms.ModelChoiceField):
    """A choice of row that refuses a key the database cannot even look up (e.g. past 64 bits).

    Django catches ValueError and TypeError there, but SQLite raises OverflowError.
    """

    def to_python(self, value):
        if value not in self.empty_values:
            target = self.queryset.model._meta.get_field(self.to_field_name or "pk")
            if not _is_key(target, value, self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows (partners, a group's permissions) that refuse a key the database cannot look
    up: Django checks each key for ValueError, but SQLite raises OverflowError past 64 bits."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            opts = self.queryset.model._meta
            target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
            for item in value:
                if item not in self.empty_values and not _is_key(target, item, self.queryset.db):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super().clean(value)


class IntakeFundingAdminForm(forms.ModelForm):
    class Meta:
        model = IntakeFunding
        fields = ["intake", "funding_source", "places"]

    def _post_clean(self) -> None:
        # django-stubs lacks ModelForm._post_clean, which Django runs once the instance is built.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            services.intake_funding_check(funding=self.instance)
        except ValidationError as error:
            add_errors(self, error)


class FundingShareInlineFormSet(LabelledRowsFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        shares = []
        for form in _kept_forms(self):
            partner = form.cleaned_data.get("partner") or form.instance.partner
            shares.append((partner.pk, form.cleaned_data.get("share_percent")))
        services.shares_validate(shares)


class FundingShareAdminForm(forms.ModelForm):
    class Meta:
        model = FundingShare
        fields = ["funding_source", "partner", "share_percent"]

    def _post_clean(self) -> None:
        # django-stubs lacks ModelForm._post_clean, which Django runs once the instance is built.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            services.funding_share_check(share=self.instance)
        except ValidationError as error:
            self.add_error(
                None,
                ValidationError(
                    [
                        *error.messages,
                        "To change several shares at once, edit them on the funding source's page.",
                    ]
                ),
            )
