"""Students: their records, their enrollments, and erasure on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from ..erasure import student_erase
from ..models import Enrollment, Student
from ..phones import parse_phone, phone_as_dialled
from .base import LongListMixin, NeverDeletedMixin, SafeAutocompleteMixin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _EnrollmentTotal(TypedDict):
    """StudentAdmin.get_queryset: the student's number of enrollments."""

    enrollment_total: int


# A tuple: it serves as both fields and readonly_fields, which django-stubs types apart.
_ENROLLMENT_FIELDS = ("intake", "status", "funding_source", "status_changed_at")


class EnrollmentCountInline(admin.TabularInline):
    model = Enrollment
    fields = _ENROLLMENT_FIELDS
    readonly_fields = _ENROLLMENT_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intake__program", "funding_source")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StudentAdminForm(forms.ModelForm):
    """The student's page: the phone is read in the student's country (Rwanda when none), as
    the apply form reads it, and shown as staff dial it."""

    phone = forms.CharField(
        required=False,
        max_length=25,
        help_text=Student._meta.get_field("phone").help_text,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    # No Meta: the admin builds it (model and fields) around this form.

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.phone:
            self.initial["phone"] = phone_as_dialled(self.instance.phone)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if "phone" in cleaned:
            try:
                cleaned["phone"] = parse_phone(cleaned["phone"], cleaned.get("country"))
            except ValidationError as error:
                self.add_error("phone", error)
        return cleaned


class StudentActionForm(ActionForm):
    reason = forms.CharField(
        label="Reason (for erasure)",
        required=False,
        max_length=200,
        help_text="The reference of the person's request, kept in the admin log.",
    )


@admin.register(Student)
class StudentAdmin(NeverDeletedMixin, LongListMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    form = StudentAdminForm
    action_form = StudentActionForm
    actions = ["erase_personal_data"]
    ordering = ["last_name", "first_name", "pk"]
    list_display = [
        "last_name",
        "first_name",
        "email",
        "phone_number",
        "country_name",
        "enrollment_count",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["country"]
    search_fields = ["first_name", "last_name", "email", "national_id"]
    autocomplete_fields = ["user", "organisation"]
    inlines = [EnrollmentCountInline]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "email", "phone"]}),
        ("Identity", {"fields": ["national_id", "date_of_birth", "country", "gender"]}),
        ("Work", {"fields": ["organisation", "job_title"]}),
        ("Account", {"fields": ["user", "language"]}),
    ]

    def get_queryset(self, request):
        # A subquery, so that only the page's rows are counted and the paginator's COUNT(*)
        # does not join every enrollment.
        counted = (
            Enrollment.objects.filter(student=OuterRef("pk"))
            .order_by()
            .values("student")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(enrollment_total=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
        )

    @admin.display(description="phone", ordering="phone")
    def phone_number(self, obj: Student) -> str:
        return phone_as_dialled(obj.phone)

    @admin.display(description="country", ordering="country")
    def country_name(self, obj: Student) -> str:
        # Not the raw CountryField: the admin would rebuild its 250 translated choices per row.
        return obj.country.name

    @admin.display(description="enrollments", ordering="enrollment_total")
    def enrollment_count(self, obj: WithAnnotations[Student, _EnrollmentTotal]) -> int:
        return obj.enrollment_total

    @admin.action(
        description="Erase personal data (on the student's request)", permissions=["change"]
    )
    def erase_personal_data(self, request, queryset) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(
                request,
                "Nothing was erased: type the reason (e.g. the request's reference) in the box "
                "next to the action, then run it again.",
                messages.ERROR,
            )
            return
        erased = 0
        for student in queryset:
            try:
                student_erase(student=student, by=request.user, reason=reason)
            except ValidationError as error:
                self.message_user(request, f"{student}: {' '.join(error.messages)}", messages.ERROR)
            else:
                erased += 1
        if erased:
            self.message_user(
                request,
                ngettext(
                    "The personal data of %(count)d student was erased.",
                    "The personal data of %(count)d students was erased.",
                    erased,
                )
                % {"count": erased},
                messages.SUCCESS,
            )
