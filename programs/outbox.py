"""The outbox: every email is a row in django-post-office's queue, written in the transaction of
the change that causes it, and delivered later by `manage.py send_queued_mail` (the worker).

So a slow or absent mail server never slows, fails or half-applies a decision, a rolled-back
change queues nothing, and an email that cannot be delivered stays in the queue, is retried and
can be seen (and requeued) in the admin. See docs/deploy.md, "Email: the queue and the worker".

Rows are written directly, not through post_office.mail.send(): send() renders the subject and
body as Django templates, and ours hold text typed by applicants (a name with "{%" in it would
break the decision, or be run as template code).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.utils import make_msgid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from post_office.backends import EmailBackend as PostOfficeBackend
from post_office.models import PRIORITY, STATUS, Attachment, Email
from post_office.settings import get_backend, get_message_id_fqdn

logger = logging.getLogger(__name__)


def queue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    sender: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> Email:
    """Put one plain-text email in the queue, inside the caller's transaction.

    Each gets its Message-ID now, so that the row and the message delivered share one name
    (to find a bounce in the admin; emails.py uses it to recognise its own rows).
    `attachments`: (file name, content, MIME type); post_office keeps each file in MEDIA_ROOT
    until the worker has sent it (docs/deploy.md), its row in the same transaction.
    """
    email = Email(
        from_email=sender or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        subject=subject,
        message=body,
        priority=PRIORITY.medium,
        status=STATUS.queued,
        message_id=make_msgid(domain=get_message_id_fqdn()),
    )
    email.save()
    for name, content, mimetype in attachments:
        attachment = Attachment(name=name, mimetype=mimetype)
        attachment.file.save(name, ContentFile(content), save=True)
        attachment.emails.add(email)
    if settings.EMAIL_SEND_ON_COMMIT:
        # Development (`make run`): deliver as soon as the change is committed, so the console
        # shows the email at once without a worker. Production leaves it to the worker.
        transaction.on_commit(lambda: _deliver_now(email.pk), robust=True)
    return email


def _deliver_now(pk: int) -> None:
    email = Email.objects.filter(pk=pk, status=STATUS.queued).first()
    if email is not None:
        email.dispatch()


class QueueBackend(PostOfficeBackend):
    """Django's EMAIL_BACKEND: what Django itself sends (password reset) joins the queue too.

    A subclass of post_office's backend so that post_office recognises it as a queue (and never
    delivers through it); it writes rows with queue() so that bodies are not rendered again.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            queue(
                to=message.recipients(),
                subject=str(message.subject),
                body=str(message.body),
                sender=message.from_email,
            )
        return len(email_messages)


def delivery_connection(**kwargs) -> BaseEmailBackend:
    """The backend that really delivers (POST_OFFICE["BACKENDS"]["default"]).

    Error reports to ADMINS use it directly: they must reach someone when the database, and so
    the queue, is what failed.
    """
    return get_connection(get_backend(), **kwargs)
