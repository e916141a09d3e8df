"""The outbox in the admin: staff see what is queued, sent or failed, and requeue what failed.

post_office's own admin is replaced by a narrower one: emails are read, never edited (a changed
address would send a student's data elsewhere), and its "resend" link, which delivers inside
the request on a plain GET, is gone; requeueing hands the email back to the worker.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from post_office.admin import EmailAdmin as PostOfficeEmailAdmin
from post_office.admin import LogInline
from post_office.models import STATUS, Attachment, Email, EmailTemplate, Log

for model in (Email, Log, EmailTemplate, Attachment):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.action(description=gettext_lazy("Requeue the selected emails"), permissions=["change"])
def requeue(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Back to the queue with a fresh set of retries; the worker delivers them on its next run."""
    count = queryset.exclude(status=STATUS.sent).update(
        status=STATUS.requeued, number_of_retries=0, scheduled_time=None
    )
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d email is back in the queue.",
            "%(count)d emails are back in the queue.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )
    skipped = queryset.filter(status=STATUS.sent).count()
    if skipped:
        model_admin.message_user(
            request,
            _("Emails already sent were left alone: %(count)d.") % {"count": skipped},
            messages.INFO,
        )


@admin.register(Email)
class EmailAdmin(PostOfficeEmailAdmin):
    list_display = ["to_display", "shortened_subject", "status", "last_updated", "scheduled_time"]
    list_filter = ["status"]
    actions = [requeue]
    inlines = [LogInline]  # every delivery attempt, with the error of a failed one
    date_hierarchy = None
    ordering = ["-created"]
    # Django's own page: post_office's adds a "resend" button and scripts from a CDN (which our
    # Content-Security-Policy refuses).
    change_form_template = "admin/change_form.html"

    def get_urls(self):
        # Only the standard pages: no image, HTML preview or resend pages (plain text only).
        return super(PostOfficeEmailAdmin, self).get_urls()

    def get_readonly_fields(self, request: HttpRequest, obj: Email | None = None) -> list[str]:
        return [
            "from_email",
            "to",
            "cc",
            "bcc",
            "priority",
            "status",
            "scheduled_time",
            "message_id",
            "render_subject",
            "render_plaintext_body",
        ]

    def get_fieldsets(self, request: HttpRequest, obj: Email | None = None):
        return [
            (
                None,
                {
                    "fields": [
                        "message_id",
                        "from_email",
                        "to",
                        "priority",
                        ("status", "scheduled_time"),
                        "render_subject",
                        "render_plaintext_body",
                    ]
                },
            )
        ]

    @admin.display(description="Subject", ordering="subject")
    def shortened_subject(self, instance: Email) -> str:
        # post_office's version renders a template when the row has a context; ours never do.
        return instance.subject[:100]

    def has_delete_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        # The delivery record stays; erasure (programs/emails.py purge_for) is what removes it.
        return False
