"""Row counts of the tables a funder audits: scripts/scan/run.sh prints them before and after a
scan (`manage.py shell -c`), to see what a tool that submits every form could delete."""

from django.apps import apps

LABELS = [
    "programs.Student",
    "programs.Enrollment",
    "programs.Intake",
    "programs.Program",
    "programs.FundingSource",
    "programs.IntakeFunding",
    "programs.FundingShare",
    "programs.Disbursement",
    "programs.Partner",
]
counts = {label.split(".")[1]: apps.get_model(label).objects.count() for label in LABELS}
history = apps.get_model("programs.HistoricalEnrollment")
counts["enrollment deletes in history"] = history.objects.filter(history_type="-").count()
print(counts)
