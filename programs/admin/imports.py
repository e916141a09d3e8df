"""The import pages of an intake: "Import applicants" (a file) and "Add participants" (a pasted
list or a file). Each is upload → dry run → confirm.

The pages are built here rather than with django-import-export's ImportMixin: the mixin
imports into the model the admin page is about, shows its own diff, and commits the rows that
pass. Ours import into one intake, show a reason for every refused row, write through
programs.services and are all-or-nothing. django-import-export still runs the rows
(programs/imports/). Between the dry run and the confirmation what was uploaded or pasted is
kept in the staff member's session (base64, at most 5 MB) under a random token that the
confirmation form sends back, so the confirmed import runs on exactly what was shown.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .. import imports
from ..models import Intake

IMPORT_SESSION_KEY = "programs.applicant_import"
PARTICIPANTS_SESSION_KEY = "programs.participant_import"

TEMPLATE_FILES = {
    "CSV": "import-templates/applicants-template.csv",
    "XLSX": "import-templates/applicants-template.xlsx",
}
PARTICIPANT_TEMPLATE_FILES = {"CSV": "import-templates/participants-template.csv"}
_FILE_HELP = (
    "A CSV (UTF-8) or Excel .xlsx file with the template's columns, at most "
    f"{imports.MAX_FILE_BYTES // 1_000_000} MB and {imports.ADMIN_MAX_ROWS} rows."
)
# A pasted list: a thousand people of a few hundred characters each at most.
MAX_PASTED_CHARS = 300_000


class ApplicantImportForm(forms.Form):
    file = forms.FileField(
        label="Applicant file",
        help_text=_FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ParticipantsForm(forms.Form):
    pasted = forms.CharField(
        label="Paste the list",
        required=False,
        max_length=MAX_PASTED_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100, "spellcheck": "false"}),
        help_text="One person a line: name, organisation, job title, email (optional), "
        "separated by tabs (copied from a spreadsheet), commas or semicolons. A first line "
        "naming the columns may add others: " + ", ".join(imports.PARTICIPANT_COLUMNS) + ".",
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        help_text=_FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pasted, upload = (data.get("pasted") or "").strip(), data.get("file")
        if not self.errors and not pasted and not upload:
            raise forms.ValidationError("Paste a list or choose a file.")
        if pasted and upload:
            raise forms.ValidationError(
                "Paste a list or choose a file, not both: each is checked on its own."
            )
        return data


class OutcomeSurveyForm(forms.Form):
    file = forms.FileField(
        label="Survey file",
        help_text=_FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def unreadable_upload_form(form_class: type[forms.Form] = ApplicantImportForm) -> forms.Form:
    """The upload form for a request Django's parser refused (a name over its header limit)."""
    form = form_class({})
    form.errors.clear()
    form.add_error(
        None if form_class is ParticipantsForm else "file",
        _(
            "This upload could not be read: the file's name is too long or the upload was cut off. "
            "Rename the file with a shorter name and upload it again."
        ),
    )
    return form


@dataclass(frozen=True)
class ImportPage:
    """What differs between the import pages."""

    slug: str
    url_name: str
    title: str
    template: str
    session_key: str
    form_class: type[forms.Form]
    template_files: dict[str, str]
    columns: list[str]
    # read(name, content) -> the rows; raises ImportFileError.
    read: Callable[[str, bytes], imports.ApplicantFile]
    # run(target=, rows=, dry_run=, by=, expected_students=) -> a report; target: the intake,
    # or None for a page of no intake (outcomes).
    run: Callable[..., Any]
    # Where a confirmed import goes: the intake's page, or a list.
    done_url: Callable[[Intake | None], str]


def _read_applicants(name: str, content: bytes) -> imports.ApplicantFile:
    return imports.read_applicants_file(content, name, max_rows=imports.ADMIN_MAX_ROWS)


def _read_participants(name: str, content: bytes) -> imports.ApplicantFile:
    if name == "":  # pasted
        return imports.read_pasted_participants(
            content.decode("utf-8"), max_rows=imports.ADMIN_MAX_ROWS
        )
    return imports.read_participants_file(content, name, max_rows=imports.ADMIN_MAX_ROWS)


def _read_outcomes(name: str, content: bytes) -> imports.ApplicantFile:
    return imports.read_outcomes_file(content, name, max_rows=imports.ADMIN_MAX_ROWS)


def _run_applicants(**kwargs) -> imports.ImportReport:
    return imports.applicants_import(
        intake=kwargs.pop("target"), applicant_file=kwargs.pop("rows"), **kwargs
    )


def _run_participants(**kwargs) -> imports.ImportReport:
    return imports.participants_import(
        intake=kwargs.pop("target"), participant_file=kwargs.pop("rows"), **kwargs
    )


def _run_outcomes(**kwargs) -> imports.OutcomeReport:
    kwargs.pop("target")
    return imports.outcomes_import(outcome_file=kwargs.pop("rows"), **kwargs)


def _intake_page(intake: Intake | None) -> str:
    assert intake is not None
    return reverse("admin:programs_intake_change", args=[intake.pk])


APPLICANTS_PAGE = ImportPage(
    slug="import-applicants",
    url_name="programs_intake_import_applicants",
    title="Import applicants into {intake}",
    template="admin/programs/intake/import_applicants.html",
    session_key=IMPORT_SESSION_KEY,
    form_class=ApplicantImportForm,
    template_files=TEMPLATE_FILES,
    columns=imports.COLUMNS,
    read=_read_applicants,
    run=_run_applicants,
    done_url=_intake_page,
)
PARTICIPANTS_PAGE = ImportPage(
    slug="add-participants",
    url_name="programs_intake_add_participants",
    title="Add participants to {intake}",
    template="admin/programs/intake/add_participants.html",
    session_key=PARTICIPANTS_SESSION_KEY,
    form_class=ParticipantsForm,
    template_files=PARTICIPANT_TEMPLATE_FILES,
    columns=imports.PARTICIPANT_COLUMNS,
    read=_read_participants,
    run=_run_participants,
    done_url=_intake_page,
)
OUTCOMES_PAGE = ImportPage(
    slug="import-survey",
    url_name="programs_outcome_import",
    title="Import a follow-up survey of outcomes",
    template="admin/programs/outcome/import_survey.html",
    session_key="programs.outcome_import",
    form_class=OutcomeSurveyForm,
    template_files={"CSV": "import-templates/outcomes-template.csv"},
    columns=imports.OUTCOME_COLUMNS,
    read=_read_outcomes,
    run=_run_outcomes,
    done_url=lambda _target: reverse("admin:programs_outcome_changelist"),
)


if TYPE_CHECKING:
    # The mixins are only ever mixed into a ModelAdmin: they call its methods.
    from django.contrib import admin

    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class ImportPagesMixin(_AdminBase):
    """Upload → dry run → confirm, for the pages in `import_pages` (on the admin's URLs)."""

    import_pages: tuple[ImportPage, ...] = ()

    def get_urls(self):
        return [
            *(
                path(
                    f"{self.import_url_prefix}{page.slug}/",
                    self.admin_site.admin_view(self._import_view(page)),
                    name=page.url_name,
                )
                for page in self.import_pages
            ),
            *super().get_urls(),
        ]

    import_url_prefix = ""

    def _import_view(self, page: ImportPage) -> Callable[..., HttpResponse]:
        def view(request: HttpRequest, **kwargs) -> HttpResponse:
            return self.import_page_view(request, page, **kwargs)

        return view

    def import_target(self, request: HttpRequest, **kwargs) -> Any:
        """The intake the page imports into (None for a page of no intake), or 404 / 403."""
        return None

    def import_page_view(self, request: HttpRequest, page: ImportPage, **kwargs):
        target = self.import_target(request, **kwargs)
        context = {
            **self.admin_site.each_context(request),
            "title": page.title.format(intake=target),
            "opts": self.model._meta,
            "original": target,
            "intake": target,
            "template_files": {label: static(p) for label, p in page.template_files.items()},
            "columns": page.columns,
            "form": page.form_class(),
        }
        if request.method == "POST":
            try:
                request.POST, request.FILES  # noqa: B018 - parse now, to answer a broken upload
            except MultiPartParserError:
                context["form"] = unreadable_upload_form(page.form_class)
                return TemplateResponse(request, page.template, context)
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request, target, page, context)
        if request.method == "POST":
            form = page.form_class(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload:
                    name, content = upload.name, upload.read(imports.MAX_FILE_BYTES + 1)
                else:  # a pasted list: its name is empty
                    name, content = "", form.cleaned_data["pasted"].encode("utf-8")
                return self._import_dry_run(request, target, page, name, content, context)
        return TemplateResponse(request, page.template, context)

    def _read(self, page: ImportPage, name: str, content: bytes, context: dict):
        try:
            return page.read(name, content)
        except imports.ImportFileError as error:
            form = context["form"]
            form.add_error("file" if name else "pasted", str(error))
            return None

    def _import_dry_run(self, request, target, page: ImportPage, name, content, context):
        rows = self._read(page, name, content, context)
        if rows is None:
            return TemplateResponse(request, page.template, context)
        report = page.run(target=target, rows=rows, dry_run=True, by=request.user)
        token = secrets.token_urlsafe(16)
        if report.refused:
            request.session.pop(page.session_key, None)
        else:
            request.session[page.session_key] = {
                "token": token,
                "intake": target.pk if target is not None else None,
                "name": name,
                "content": base64.b64encode(content).decode("ascii"),
                "students": report.matched_students(),
            }
        context.update(report=report, token=token)
        return TemplateResponse(request, page.template, context)

    def _import_confirm(self, request, target, page: ImportPage, context):
        pending = request.session.get(page.session_key) or {}
        target_pk = target.pk if target is not None else None
        if (
            not pending
            or pending.get("token") != request.POST.get("token")
            or pending.get("intake") != target_pk
        ):
            self.message_user(
                request,
                "This import is no longer waiting for confirmation (it was confirmed already, "
                "or another file was uploaded since). Upload the file again.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.path)
        del request.session[page.session_key]
        rows = self._read(page, pending["name"], base64.b64decode(pending["content"]), context)
        if rows is None:
            return TemplateResponse(request, page.template, context)
        report = page.run(
            target=target,
            rows=rows,
            dry_run=False,
            by=request.user,
            expected_students=pending.get("students") or {},
        )
        if not report.written:
            # Someone changed the intake, or erased a student, between the dry run and now.
            self.message_user(
                request,
                report.summary()
                + " "
                + _("Something changed since the dry run; see the reasons below."),
                messages.ERROR,
            )
            context.update(report=report)
            return TemplateResponse(request, page.template, context)
        self.message_user(request, report.summary(), messages.SUCCESS)
        return HttpResponseRedirect(page.done_url(target))


class IntakeImportMixin(ImportPagesMixin):
    """Adds "Import applicants" and "Add participants" to an intake."""

    import_pages = (APPLICANTS_PAGE, PARTICIPANTS_PAGE)
    import_url_prefix = "<path:object_id>/"

    def has_import_permission(self, request: HttpRequest, intake: Intake | None = None) -> bool:
        return self.has_view_permission(request, intake) and request.user.has_perms(
            ["programs.add_student", "programs.add_enrollment"]
        )

    def import_target(self, request: HttpRequest, **kwargs) -> Intake:
        intake = self.get_object(request, kwargs["object_id"])
        if intake is None:
            raise Http404("No such intake.")
        if not self.has_import_permission(request, intake):
            raise PermissionDenied
        return intake


class OutcomeImportMixin(ImportPagesMixin):
    """Adds "Import a survey" to the outcomes' list."""

    import_pages = (OUTCOMES_PAGE,)

    def import_target(self, request: HttpRequest, **kwargs) -> None:
        if not self.has_add_permission(request):
            raise PermissionDenied
        return None
