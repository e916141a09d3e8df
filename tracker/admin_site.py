"""The admin site staff open all day: its home shows the intakes they work on now.

A subclass of AdminSite through AdminConfig.default_site (Django's documented way), so every
`admin.register` in the project lands here and the stock pages stay as they are.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

# Programmes and enrollments first, the email queue next, accounts and sign-in records last.
APP_ORDER = ["programs", "post_office", "auth", "axes"]


class TrackerAdminSite(admin.AdminSite):
    site_header = "Cohort tracker"
    site_title = "Cohort tracker"
    index_title = "Staff home"
    index_template = "admin/staff_home.html"
    # The home lists every section; the side menu would take 300 px from every list.
    enable_nav_sidebar = False

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)

        def rank(app: dict) -> tuple[int, str]:
            label = app["app_label"]
            return (APP_ORDER.index(label) if label in APP_ORDER else 1, app["name"])

        return sorted(apps, key=rank)

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        from programs.selectors.home import staff_home, statement_partners

        user = request.user
        can_export = user.has_perm("programs.export_enrollment")
        context = {
            "home": staff_home() if user.has_perm("programs.view_intake") else None,
            "can_export": can_export,
            "statement_partners": statement_partners() if can_export else [],
            "can_import": user.has_perms(["programs.add_student", "programs.add_enrollment"]),
            "can_see_emails": user.has_perm("post_office.view_email"),
            **(extra_context or {}),
        }
        return super().index(request, context)
