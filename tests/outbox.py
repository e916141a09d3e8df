"""Reading the email a test caused: deliver the queue as the worker would, then read Django's
test outbox.

Tests run the production path: emails are queued (programs/outbox.py) and only reach
django.core.mail.outbox when the queue is delivered. The command itself (`send_queued_mail`)
closes the database connection between batches, which would end a test's transaction: it is
run as a command in tests/test_emails_queue.py, with transactional tests; elsewhere its core,
post_office.mail.send_queued(), is called.
"""

from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMessage
from post_office.mail import send_queued


def deliver() -> list[EmailMessage]:
    """Deliver everything queued and return every email delivered so far in this test."""
    send_queued()
    return mail.outbox
