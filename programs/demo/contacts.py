"""One invented contact per co-funder of the demo data, who receives its monthly statement
(seed_demo). Invented people at example.org addresses: never a real person's email."""

from __future__ import annotations

from programs.models import Partner, PartnerContact

# short name of the co-funder -> (invented name, address at example.org)
CONTACTS = {
    "ABS": ("Jean-Bosco Nkurunziza", "statements.abs@example.org"),
    "HEC": ("Solange Uwamahoro", "statements.hec@example.org"),
    "Alibaba": ("Mei Lin Zhou", "statements.alibaba@example.org"),
    "UNCTAD": ("Amara Diallo", "statements.unctad@example.org"),
}


def one_per_co_funder() -> int:
    """A contact for each demo partner that co-funds a funding source; safe to run again."""
    made = 0
    co_funders = Partner.objects.filter(funding_shares__isnull=False).distinct()
    for partner in co_funders.order_by("pk"):
        name, email = CONTACTS.get(
            partner.short_name,
            (f"Finance office of {partner.display_name}", f"statements.{partner.pk}@example.org"),
        )
        _, created = PartnerContact.objects.get_or_create(
            partner=partner, email=email, defaults={"name": name}
        )
        made += created
    return made
