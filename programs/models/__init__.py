"""The domain model: programmes, intakes, funding and enrollments, one module per topic.

The five rules of ../shared/domain.md are enforced here where the database can hold them
(choices, uniqueness, ranges) and in programs/services/ where they need counting and a lock.
"""

# Defined beside the code that writes it; imported here so that Django and migrations see it.
from ..ratelimit import RateCounter
from .audit import ExportLog
from .enrollments import Enrollment, EnrollmentQuerySet, EnrollmentStatus, ExitReason
from .funding import FundingShare, FundingSource, FundingSourceKind, IntakeFunding
from .impact import (
    Certificate,
    CertificateQuerySet,
    Organisation,
    OrganisationKind,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    Testimonial,
    new_certificate_code,
)
from .intakes import SEAT_HOLDING, ApplicationStatus, Intake, IntakeQuerySet
from .money import Disbursement, DisbursementQuerySet, DisbursementStatus
from .programs import Partner, PartnerKind, Program, ProgramKind, ProgramQuerySet
from .statements import PartnerContact, StatementDelivery
from .students import Gender, Student
from .terms import Standing, Term, TermRecord, TermResult

__all__ = [
    "SEAT_HOLDING",
    "ApplicationStatus",
    "Certificate",
    "CertificateQuerySet",
    "Disbursement",
    "DisbursementQuerySet",
    "DisbursementStatus",
    "Enrollment",
    "EnrollmentQuerySet",
    "EnrollmentStatus",
    "ExitReason",
    "ExportLog",
    "FundingShare",
    "FundingSource",
    "FundingSourceKind",
    "Gender",
    "Intake",
    "IntakeFunding",
    "IntakeQuerySet",
    "Organisation",
    "OrganisationKind",
    "Outcome",
    "OutcomeKind",
    "OutcomeSource",
    "Partner",
    "PartnerContact",
    "PartnerKind",
    "Program",
    "ProgramKind",
    "ProgramQuerySet",
    "RateCounter",
    "Standing",
    "StatementDelivery",
    "Student",
    "Term",
    "TermRecord",
    "TermResult",
    "Testimonial",
    "new_certificate_code",
]
