"""The permission matrix's expected answers: per role, in the order of ROLES."""

from http import HTTPStatus

from django.urls import URLPattern, URLResolver

ROLES = ["anonymous", "student", "other_student", "viewer", "finance", "manager", "superuser"]
OK, FOUND, FORBIDDEN, NOT_FOUND = (
    HTTPStatus.OK,
    HTTPStatus.FOUND,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
)
LOGIN = "login"  # a redirect to a sign-in page
# Per role: anonymous, student, other student, viewer, finance, manager, superuser.
PUBLIC = (OK, OK, OK, OK, OK, OK, OK)
APPLICANT_ONLY = (
    FOUND,
    FOUND,
    FOUND,
    FOUND,
    FOUND,
    FOUND,
    FOUND,
)  # to the form, unless one just applied
OWNER_ONLY = (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK, OK)
EXPORTERS = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK)
STAFF_VIEW = (LOGIN, LOGIN, LOGIN, OK, OK, OK, OK)
STAFF_PAGE = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK)
STAFF_CHANGE = (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK, OK)
STAFF_CHANGE_POST = (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, FOUND, FOUND)
SUPERUSER_VIEW = (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
NOBODY = (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# The outbox holds applicants' names and decisions: managers, not viewers (admin/outbox.py).
# Finance schedules, approves and pays; viewers read; nobody deletes a disbursement.
MONEY_CHANGE = (LOGIN, LOGIN, LOGIN, FORBIDDEN, OK, OK, OK)
MANAGERS_ONLY = (LOGIN, LOGIN, LOGIN, FORBIDDEN, FORBIDDEN, OK, OK)


def answer(client, method: str, url: str):
    """The status of one request, or LOGIN for a redirect to a sign-in page."""
    response = getattr(client, method)(url)
    if response.status_code == HTTPStatus.FOUND and (
        "/login/" in response["Location"] or "login" in response["Location"].split("?")[0]
    ):
        return LOGIN
    return HTTPStatus(response.status_code)


def named_urls(patterns, namespace=""):
    """Every named URL, with its namespaces ("admin:programs_intake_change")."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name
