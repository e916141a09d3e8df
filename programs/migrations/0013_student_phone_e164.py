"""Student.phone is stored in E.164, checked by the phone library (programs/phones.py).

The numbers on record are read in the student's country (Rwanda when none is recorded) and
rewritten in E.164 ("+250 788-123-456" -> "+250788123456"). A number that cannot be read is kept
exactly as it was, never lost, and the students concerned are listed by id (not by number: a
phone number is personal data and does not belong in a deployment log) for staff to correct.
"""

import phonenumbers
from django.db import migrations, models

import programs.phones

BATCH = 2000


def e164(raw: str, country: str) -> str | None:
    """`raw` in E.164, read in `country`; None when it is not a valid number."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    region = country.upper() if country.upper() in phonenumbers.SUPPORTED_REGIONS else "RW"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def convert_phones(apps, schema_editor) -> None:
    Student = apps.get_model("programs", "Student")
    unreadable: list[int] = []
    rewritten: dict[int, str] = {}
    rows = Student.objects.exclude(phone="").order_by("pk").values_list("pk", "phone", "country")
    for pk, phone, country in rows.iterator(chunk_size=BATCH):
        raw, code = str(phone), str(getattr(country, "code", country) or "")
        converted = e164(raw, code)
        if converted is None:
            unreadable.append(pk)
        elif converted != raw:
            rewritten[pk] = converted
    # Written after the read, so that no row changes under the cursor that reads them.
    for pk, converted in rewritten.items():
        Student.objects.filter(pk=pk).update(phone=converted)
    changed = len(rewritten)
    if changed or unreadable:
        print(f"\n  Phone numbers: {changed} rewritten in E.164.")
    if unreadable:
        ids = ", ".join(str(pk) for pk in unreadable)
        print(
            f"  {len(unreadable)} could not be read and were kept as they were; correct them in "
            f"the admin (students with id {ids})."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0012_money_disbursements"),
    ]

    operations = [
        migrations.RunPython(convert_phones, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="student",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text=(
                    "As dialled in the student's country (0788 123 456 in Rwanda) or with the "
                    "country code (+33 6 12 34 56 78). Stored in international form "
                    "(+250788123456)."
                ),
                max_length=20,
                validators=[programs.phones.validate_e164],
            ),
        ),
    ]
