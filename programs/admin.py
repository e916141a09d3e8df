"""The staff's workplace. Every write that a rule depends on goes through programs.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    URLField,
)
from django.db.models.functions import Coalesce
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_exports import EnrollmentExportMixin, IntakeImportMixin, export_enrollments_csv
from .erasure import student_erase
from .forms_admin import (
    EnrollmentAdminForm,
    EnrollmentInlineFormSet,
    FundingShareAdminForm,
    FundingShareInlineFormSet,
    IntakeAdminForm,
    IntakeFundingAdminForm,
    IntakeInlineFormSet,
    SafeAutocompleteSelect,
    SafeModelChoiceField,
)
from .models import (
    Enrollment,
    FundingShare,
    FundingSource,
    Intake,
    IntakeFunding,
    Partner,
    Program,
    Student,
)


def _fundings_with_taken():
    """IntakeFunding rows with `taken`: seat-holding enrollments using that source there."""
    taken = (
        Enrollment.objects.filter(
            intake_id=OuterRef("intake_id"),
            funding_source_id=OuterRef("funding_source_id"),
            status__in=Enrollment.SEAT_HOLDING,
        )
        .order_by()
        .values("intake_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return IntakeFunding.objects.select_related("funding_source").annotate(
        taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0)
    )


def _funding_summary(intake: Intake):
    fundings = list(intake.fundings.all())
    if not fundings:
        return "–"
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} / {}",
        ((f.funding_source.name, f.taken, f.places) for f in fundings),
    )


class LongListMixin:
    """For lists that grow to 100,000 rows: no second COUNT(*) of the whole table for the
    "show all" link; the page's own count uses the (intake, status, source) and newest-first
    indexes (docs/performance.md)."""

    show_full_result_count = False


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages to read. Reverting to an old version is refused: it would skip the
    checks that a change through the forms and the services makes."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Old versions can be read, not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class SafeAutocompleteMixin:
    """Autocomplete widgets that answer a hostile value with a form error, not a 500."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if type(field) is ModelChoiceField:
            field.__class__ = SafeModelChoiceField
        widget = getattr(field, "widget", None) if field else None
        inner = getattr(widget, "widget", widget)
        if type(inner) is AutocompleteSelect:
            inner.__class__ = SafeAutocompleteSelect
        return field


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


class IntakeSummaryInline(admin.TabularInline):
    model = Intake
    fields = ["name", "start_date", "capacity"]
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    ordering = ["name"]
    list_display = [
        "name",
        "kind",
        "delivered_by",
        "duration_months",
        "intake_count",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "delivered_by"]
    list_select_related = ["delivered_by"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["delivered_by"]
    filter_horizontal = ["partners"]
    inlines = [IntakeSummaryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(intake_total=Count("intakes"))

    @admin.display(description="intakes", ordering="intake_total")
    def intake_count(self, obj: Program) -> int:
        return obj.intake_total


class IntakeFundingInline(admin.TabularInline):
    model = IntakeFunding
    formset = IntakeInlineFormSet
    extra = 0
    fields = ["funding_source", "places", "places_taken"]
    readonly_fields = ["places_taken"]
    verbose_name = "funded places"
    verbose_name_plural = "funded places"

    def get_queryset(self, request):
        return _fundings_with_taken()

    @admin.display(description="taken")
    def places_taken(self, obj: IntakeFunding) -> str:
        return str(getattr(obj, "taken", "–")) if obj.pk else "–"


class EnrollmentInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Enrollment
    formset = EnrollmentInlineFormSet
    extra = 0
    fields = ["student", "status", "funding_source", "waitlist_position", "status_changed_at"]
    readonly_fields = ["status_changed_at"]
    autocomplete_fields = ["student"]
    show_change_link = True
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student", "funding_source")


@admin.register(Intake)
class IntakeAdmin(LongListMixin, SafeAutocompleteMixin, IntakeImportMixin, HistoryAdmin):
    form = IntakeAdminForm
    list_display = [
        "name",
        "seats",
        "funded_places",
        "waitlist",
        "application_window",
        "start_date",
        "program",
    ]
    list_filter = ["program", "start_date"]
    list_select_related = ["program"]
    search_fields = ["name", "program__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["program"]
    inlines = [IntakeFundingInline, EnrollmentInline]
    readonly_fields = ["occupancy"]
    fieldsets = [
        (None, {"fields": ["program", "name", "capacity", "occupancy"]}),
        ("Dates", {"fields": ["start_date", "end_date"]}),
        (
            "Applications",
            {
                "fields": ["applications_open_on", "applications_close_on"],
                "description": "Applications are open online between these two dates.",
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_counts()
            .prefetch_related(Prefetch("fundings", queryset=_fundings_with_taken()))
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/offer-next/",
                self.admin_site.admin_view(self.offer_next_view),
                name="programs_intake_offer_next",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        intake = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if intake is not None and self.has_change_permission(request, intake):
            extra_context["waitlist_openings"] = services.waitlist_openings(intake=intake)
        return super().change_view(request, object_id, form_url, extra_context)

    def offer_next_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Offer a freed seat or funded place to the next eligible waitlisted applicant."""
        intake = self.get_object(request, object_id)
        if intake is None:
            raise Http404("No such intake.")
        if request.method != "POST" or not self.has_change_permission(request, intake):
            raise PermissionDenied
        source = None
        if request.POST.get("funding_source"):
            source = FundingSource.objects.filter(pk=request.POST["funding_source"]).first()
        try:
            enrollment = services.waitlist_offer_next(
                intake=intake,
                funding_source=source,
                by=request.user,
                reason=request.POST.get("reason", "")[:500],
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            funded = f", funded by {source.name}" if source else ""
            self.message_user(
                request,
                f"Offered a place to {enrollment.student.full_name}{funded}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:programs_intake_change", args=[intake.pk]))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.checked_by_formsets = bool(self.get_inline_instances(request, obj))
        return form

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            formset.siblings = formsets
        if formsets:
            formsets[-1].checks_intake = True
        return formsets, inline_instances

    def save_model(self, request, obj, form, change) -> None:
        if getattr(obj, "_plan_checked", False):
            # The last form set checked the whole planned intake (capacity, funded places and
            # enrollments together) with the row locked, in this same transaction.
            obj.save()
        else:
            services.intake_save(intake=obj, by=request.user, reason="Changed in the admin")

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Enrollment:
            super().save_formset(request, form, formset, change)
            return
        changed = formset.save(commit=False)
        for enrollment in formset.deleted_objects:
            enrollment.delete()

        def frees_first(enrollment: Enrollment) -> int:
            if enrollment.status not in Enrollment.SEAT_HOLDING:
                return 0
            return 1 if enrollment.funding_source_id is None else 2

        # Through the services, so that each change is dated, kept in the history with a
        # reason and emailed to the student. Rows that free a place go first, so every step
        # stays within the plan checked above.
        for enrollment in sorted(changed, key=frees_first):
            try:
                services.enrollment_save(
                    enrollment=enrollment, by=request.user, reason="Changed on the intake page"
                )
            except ValidationError:
                # Only an exchange of places between two rows gets here: each step alone
                # breaks a rule that the whole plan, checked under the lock, keeps.
                enrollment.save()
        formset.save_m2m()

    @admin.display(description="now")
    def occupancy(self, obj: Intake) -> str:
        if not obj.pk:
            return "–"
        counts = dict(obj.enrollments.values_list("status").annotate(n=Count("pk")).order_by())
        taken = sum(counts.get(s, 0) for s in Enrollment.SEAT_HOLDING)
        parts = [f"{taken} of {obj.capacity} seats taken ({max(obj.capacity - taken, 0)} left)"]
        parts += [
            f"{counts[status]} {Enrollment.Status(status).label.lower()}"
            for status in Enrollment.Status.values
            if counts.get(status)
        ]
        return "; ".join(parts) + "."

    @admin.display(description="seats taken", ordering="seats_taken")
    def seats(self, obj: Intake) -> str:
        return f"{obj.seats_taken} / {obj.capacity}"

    @admin.display(description="funded places taken")
    def funded_places(self, obj: Intake):
        return _funding_summary(obj)

    @admin.display(description="waitlist", ordering="waitlist_length")
    def waitlist(self, obj: Intake) -> int:
        return obj.waitlist_length

    @admin.display(description="applications")
    def application_window(self, obj: Intake) -> str:
        if obj.applications_open_on is None:
            return "not scheduled"
        today = timezone.localdate()
        if obj.applications_are_open(today):
            return "open"
        return "upcoming" if obj.applications_open_on > today else "closed"


class FundingShareInline(SafeAutocompleteMixin, admin.TabularInline):
    model = FundingShare
    formset = FundingShareInlineFormSet
    extra = 0
    autocomplete_fields = ["partner"]
    verbose_name = "co-funder"
    verbose_name_plural = "co-funders"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "co_funders", "cost", "places_total"]
    list_filter = ["kind"]
    search_fields = ["name", "shares__partner__name", "shares__partner__short_name"]
    inlines = [FundingShareInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                places_sum=Coalesce(
                    Subquery(
                        IntakeFunding.objects.filter(funding_source=OuterRef("pk"))
                        .order_by()
                        .values("funding_source")
                        .annotate(total=Sum("places"))
                        .values("total"),
                        output_field=IntegerField(),
                    ),
                    0,
                )
            )
            .prefetch_related(
                Prefetch("shares", queryset=FundingShare.objects.select_related("partner"))
            )
        )

    @admin.display(description="co-funders")
    def co_funders(self, obj: FundingSource):
        shares = list(obj.shares.all())
        if not shares:
            return "–"
        return ", ".join(str(share) for share in shares)

    @admin.display(description="cost per place", ordering="cost_per_place")
    def cost(self, obj: FundingSource) -> str:
        if obj.cost_per_place is None:
            return "–"
        return f"{obj.cost_per_place:,.2f} {obj.currency}"

    @admin.display(description="funded places (all intakes)", ordering="places_sum")
    def places_total(self, obj: FundingSource) -> int:
        return obj.places_sum


@admin.register(FundingShare)
class FundingShareAdmin(SafeAutocompleteMixin, HistoryAdmin):
    form = FundingShareAdminForm
    list_display = ["funding_source", "partner", "share_percent"]
    list_select_related = ["funding_source", "partner"]
    list_filter = ["funding_source"]
    search_fields = ["funding_source__name", "partner__name"]
    autocomplete_fields = ["funding_source", "partner"]

    def delete_view(self, request, object_id, extra_context=None):
        share = self.get_object(request, object_id)
        if request.method == "POST" and share is not None:
            try:
                services.funding_share_check(share=share, delete=True)
            except ValidationError as error:
                return _refuse(self, request, share, error)
        return super().delete_view(request, object_id, extra_context)


def _refuse(model_admin: admin.ModelAdmin, request: HttpRequest, obj, error: ValidationError):
    model_admin.message_user(
        request, f"{obj} was not deleted: {' '.join(error.messages)}", messages.ERROR
    )
    opts = obj._meta
    return HttpResponseRedirect(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )


@admin.register(IntakeFunding)
class IntakeFundingAdmin(SafeAutocompleteMixin, HistoryAdmin):
    form = IntakeFundingAdminForm
    list_display = ["intake", "funding_source", "places", "places_taken"]
    list_select_related = ["intake__program", "funding_source"]
    list_filter = ["funding_source", "intake__program"]
    search_fields = ["intake__name", "intake__program__name", "funding_source__name"]
    autocomplete_fields = ["intake", "funding_source"]

    def get_queryset(self, request):
        return _fundings_with_taken().select_related("intake__program")

    @admin.display(description="taken", ordering="taken")
    def places_taken(self, obj: IntakeFunding) -> int:
        return obj.taken

    def delete_view(self, request, object_id, extra_context=None):
        funding = self.get_object(request, object_id)
        if request.method == "POST" and funding is not None:
            try:
                services.intake_funding_check(funding=funding, delete=True)
            except ValidationError as error:
                return _refuse(self, request, funding, error)
        return super().delete_view(request, object_id, extra_context)


class EnrollmentCountInline(admin.TabularInline):
    model = Enrollment
    fields = ["intake", "status", "funding_source", "status_changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intake__program", "funding_source")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StudentActionForm(ActionForm):
    reason = forms.CharField(
        label="Reason (for erasure)",
        required=False,
        max_length=200,
        help_text="The reference of the person's request, kept in the admin log.",
    )


@admin.register(Student)
class StudentAdmin(LongListMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    action_form = StudentActionForm
    actions = ["erase_personal_data"]
    ordering = ["last_name", "first_name", "pk"]
    list_display = ["last_name", "first_name", "email", "country_name", "enrollment_count"]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["country"]
    search_fields = ["first_name", "last_name", "email", "national_id"]
    autocomplete_fields = ["user"]
    inlines = [EnrollmentCountInline]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "email", "phone"]}),
        ("Identity", {"fields": ["national_id", "date_of_birth", "country"]}),
        ("Account", {"fields": ["user"]}),
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

    @admin.display(description="country", ordering="country")
    def country_name(self, obj: Student) -> str:
        # Not the raw CountryField: the admin would rebuild its 250 translated choices per row.
        return obj.country.name

    @admin.display(description="enrollments", ordering="enrollment_total")
    def enrollment_count(self, obj: Student) -> int:
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
                f"The personal data of {erased} student(s) was erased.",
                messages.SUCCESS,
            )


class ProgramFilter(admin.SimpleListFilter):
    title = "programme"
    parameter_name = "program"

    def lookups(self, request, model_admin):
        return list(Program.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(intake__program_id=self.value())
        return queryset


class IntakeFilter(admin.SimpleListFilter):
    title = "intake"
    parameter_name = "intake__id__exact"

    def lookups(self, request, model_admin):
        """The chosen programme's intakes, or else those not finished (and the chosen one).

        Every intake of every year as a link would grow the sidebar each September; older
        intakes stay one click away through the programme filter.
        """
        shown = Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
        program = request.GET.get("program", "")
        if program.isdigit():
            shown = Q(program_id=program)
        if str(self.value() or "").isdigit():
            shown |= Q(pk=self.value())
        # select_related: the stock filter names each intake with a query for its programme.
        intakes = Intake.objects.select_related("program").filter(shown)
        return [(intake.pk, str(intake)) for intake in intakes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(intake_id=self.value())
        return queryset


class SeatFilter(admin.SimpleListFilter):
    title = "seat"
    parameter_name = "seat"

    def lookups(self, request, model_admin):
        return [("holding", "Holds a seat"), ("funded", "Holds a funded place")]

    def queryset(self, request, queryset):
        if self.value() == "holding":
            return queryset.seat_holding()
        if self.value() == "funded":
            return queryset.seat_holding().filter(funding_source__isnull=False)
        return queryset


def _status_action(status: str, label: str):
    def action(model_admin, request, queryset):
        result = services.enrollment_bulk_set_status(
            enrollments=queryset.select_related("student", "intake", "funding_source"),
            status=status,
            by=request.user,
            reason=request.POST.get("reason", "").strip()[:500] or f"Bulk action: {label.lower()}",
        )
        if result.changed:
            model_admin.message_user(
                request,
                f"{len(result.changed)} enrollment(s) changed to "
                f"{Enrollment.Status(status).label}.",
                messages.SUCCESS,
            )
        if result.unchanged:
            model_admin.message_user(
                request,
                f"{len(result.unchanged)} enrollment(s) already had that status.",
                messages.INFO,
            )
        for enrollment, reason in result.refused:
            model_admin.message_user(
                request, f"Refused for {enrollment.student.full_name}: {reason}", messages.ERROR
            )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


class EnrollmentActionForm(ActionForm):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        help_text="Optional; kept in each enrollment's history.",
    )


@admin.register(Enrollment)
class EnrollmentAdmin(LongListMixin, SafeAutocompleteMixin, EnrollmentExportMixin, HistoryAdmin):
    action_form = EnrollmentActionForm
    form = EnrollmentAdminForm
    list_display = [
        "student",
        "status",
        "funding_source",
        "intake",
        "status_changed_at",
        "student_email",
    ]
    list_filter = [
        ProgramFilter,
        IntakeFilter,
        "status",
        SeatFilter,
        "funding_source",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["student", "intake__program", "funding_source"]
    search_fields = ["student__first_name", "student__last_name", "student__email"]
    autocomplete_fields = ["student", "intake"]
    readonly_fields = ["status_changed_at", "created_at", "updated_at"]
    history_list_display = ["status", "funding_source", "intake"]
    fieldsets = [
        (None, {"fields": ["student", "intake", "status", "funding_source"]}),
        ("Waitlist and notes", {"fields": ["waitlist_position", "notes"]}),
        ("Why", {"fields": ["change_reason"]}),
        ("Dates", {"fields": ["status_changed_at", "created_at", "updated_at"]}),
    ]
    actions = [
        _status_action(Enrollment.Status.OFFERED, "Offer a place"),
        _status_action(Enrollment.Status.ENROLLED, "Enroll"),
        _status_action(Enrollment.Status.WAITLISTED, "Move to the waitlist"),
        _status_action(Enrollment.Status.REJECTED, "Reject"),
        _status_action(Enrollment.Status.WITHDRAWN, "Record a withdrawal"),
        _status_action(Enrollment.Status.DEFERRED, "Record a deferral"),
        export_enrollments_csv,
    ]

    @admin.display(description="email", ordering="student__email")
    def student_email(self, obj: Enrollment) -> str:
        return obj.student.email

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("status", Enrollment.Status.ENROLLED)
        return initial

    def save_model(self, request, obj, form, change) -> None:
        services.enrollment_save(
            enrollment=obj, by=request.user, reason=form.cleaned_data.get("change_reason", "")
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .select_related("history_user", "funding_source", "intake__program")
        )
