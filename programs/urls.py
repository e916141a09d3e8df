from django.urls import path, register_converter

from . import views, views_certificates, views_impact, views_staff


class CertificateCodeConverter:
    """The characters of secrets.token_urlsafe; anything else is no code (404, no lookup)."""

    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CertificateCodeConverter, "certificate_code")

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="program-list"),
    path("programmes/<slug:slug>/", views.program_detail, name="program-detail"),
    path("intakes/<int:pk>/apply/", views.intake_apply, name="intake-apply"),
    path(
        "intakes/<int:pk>/apply/thanks/",
        views.application_received,
        name="application-received",
    ),
    path("impact/", views_impact.impact, name="impact"),
    path("my-applications/", views.my_applications, name="my-applications"),
    path("my-applications/<int:pk>/", views.my_application, name="my-application"),
    path(
        "my-applications/<int:pk>/offer/<str:answer>/",
        views.my_offer_answer,
        name="my-offer-answer",
    ),
    path(
        "my-applications/<int:pk>/certificate/",
        views_certificates.my_certificate,
        name="my-certificate",
    ),
    path(
        "certificates/<certificate_code:code>/",
        views_certificates.certificate_verify,
        name="certificate-verify",
    ),
    path("accounts/claim/", views.account_claim, name="account-claim"),
    path("accounts/claim/sent/", views.account_claim_sent, name="account-claim-sent"),
    path(
        "accounts/claim/<str:token>/",
        views.account_claim_confirm,
        name="account-claim-confirm",
    ),
    # Staff pages (programs/views_staff.py).
    path("staff/enrollments.csv", views_staff.enrollment_export, name="enrollment-export"),
    path("staff/cohort.csv", views_staff.cohort_export, name="cohort-export"),
    path("staff/funder-report/", views_staff.funder_report, name="funder-report"),
    path("staff/funder-report.csv", views_staff.funder_report_csv, name="funder-report-csv"),
    path("staff/funder-statement/", views_staff.funder_statement, name="funder-statement"),
    path(
        "staff/funder-statement.csv",
        views_staff.funder_statement_csv,
        name="funder-statement-csv",
    ),
    path(
        "staff/funder-statement/print/",
        views_staff.funder_statement_print,
        name="funder-statement-print",
    ),
    path(
        "staff/certificates/<int:pk>/print/",
        views_certificates.certificate_print,
        name="certificate-print",
    ),
    path("staff/impact/", views_impact.impact_report, name="impact-report"),
    path("staff/impact.csv", views_impact.impact_report_csv, name="impact-report-csv"),
    path("staff/intakes/<int:pk>/", views_staff.intake_dashboard, name="intake-dashboard"),
]
