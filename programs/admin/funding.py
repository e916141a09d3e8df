"""Partners, funding sources, their co-funders and the funded places of each intake."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import IntegerField, OuterRef, Prefetch, Subquery, Sum, URLField
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from modeltranslation.admin import TranslationAdmin

from .. import services
from ..models import FundingShare, FundingSource, IntakeFunding, Partner, PartnerContact
from ..models.statements import duplicate_email_message
from ..selectors.occupancy import funding_taken_words, fundings_with_taken
from .base import HistoryAdmin, SafeAutocompleteMixin, refuse_delete
from .forms import FundingShareAdminForm, FundingShareInlineFormSet, IntakeFundingAdminForm

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from ..selectors.annotated import IntakeFundingWithTaken


class _PlacesSum(TypedDict):
    """FundingSourceAdmin.get_queryset: the source's funded places over all intakes."""

    places_sum: int


class PartnerContactFormSet(BaseInlineFormSet):
    """The same email twice in one save is refused like one already on record."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            email = (form.cleaned_data.get("email") or "").lower()
            if email and email in seen:
                form.add_error("email", duplicate_email_message())
            seen.add(email)


class PartnerContactInline(admin.TabularInline):
    """The people who receive a co-funder's monthly statement (manage.py send_statements).
    Each change is kept in the contact's history (who, when)."""

    model = PartnerContact
    formset = PartnerContactFormSet
    fields = ["name", "email", "receives_statements"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    inlines = [PartnerContactInline]


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
class FundingSourceAdmin(TranslationAdmin):
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
    def places_total(self, obj: WithAnnotations[FundingSource, _PlacesSum]) -> int:
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
                return refuse_delete(self, request, share, error)
        return super().delete_view(request, object_id, extra_context)


@admin.register(IntakeFunding)
class IntakeFundingAdmin(SafeAutocompleteMixin, HistoryAdmin):
    form = IntakeFundingAdminForm
    list_display = ["intake", "funding_source", "places", "places_taken"]
    list_select_related = ["intake__program", "funding_source"]
    list_filter = ["funding_source", "intake__program"]
    search_fields = ["intake__name", "intake__program__name", "funding_source__name"]
    autocomplete_fields = ["intake", "funding_source"]

    def get_queryset(self, request):
        return fundings_with_taken().select_related("intake__program")

    @admin.display(description="taken", ordering="taken")
    def places_taken(self, obj: IntakeFundingWithTaken) -> str:
        return funding_taken_words(obj)

    def delete_view(self, request, object_id, extra_context=None):
        funding = self.get_object(request, object_id)
        if request.method == "POST" and funding is not None:
            try:
                services.intake_funding_check(funding=funding, delete=True)
            except ValidationError as error:
                return refuse_delete(self, request, funding, error)
        return super().delete_view(request, object_id, extra_context)
