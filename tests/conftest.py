import pytest

from programs.models import Enrollment

from .factories import (
    EnrollmentFactory,
    FundingShareFactory,
    FundingSourceFactory,
    IntakeFactory,
    IntakeFundingFactory,
    PartnerFactory,
    StaffFactory,
)


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff-member")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def joint_scholarship(db):
    """The HEC–Alibaba scholarship: one funding source, two co-funders, shares not public."""
    source = FundingSourceFactory(name="HEC–Alibaba Joint Scholarship")
    FundingShareFactory(funding_source=source, partner=PartnerFactory(name="HEC"))
    FundingShareFactory(funding_source=source, partner=PartnerFactory(name="Alibaba"))
    return source


@pytest.fixture
def september_intake(joint_scholarship):
    """The customer's intake: 22 seats, 20 of them jointly funded."""
    intake = IntakeFactory(name="September 2027", capacity=22)
    IntakeFundingFactory(intake=intake, funding_source=joint_scholarship, places=20)
    return intake


@pytest.fixture
def fill():
    """fill(intake, n, status=..., funding_source=...) adds n raw enrollments."""

    def _fill(intake, n, status=Enrollment.Status.ENROLLED, funding_source=None):
        return EnrollmentFactory.create_batch(
            n, intake=intake, status=status, funding_source=funding_source
        )

    return _fill
