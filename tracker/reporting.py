"""Error reports that carry no student's personal data.

Django already hides passwords and anything a view marks with sensitive_post_parameters. This
filter also hides, on every view, the POST fields that hold personal data (whatever form prefix
they carry, e.g. "form-0-email"), so a crash on a new form cannot mail a student's details.
"""

from django.views.debug import SafeExceptionReporterFilter

from programs.personal import FORM_PERSONAL_FIELDS

PERSONAL_FIELDS = FORM_PERSONAL_FIELDS


def is_personal(name: str) -> bool:
    return name.rsplit("-", 1)[-1].lower() in PERSONAL_FIELDS


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        post = super().get_post_parameters(request)
        if request is None or not self.is_active(request):
            return post
        post = post.copy()
        for name in post:
            if is_personal(name):
                post[name] = self.cleansed_substitute
        return post
