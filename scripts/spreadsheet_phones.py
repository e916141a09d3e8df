"""How LibreOffice Calc reads the export's phone cells, per locale (docs/exports.md).

Writes a CSV of the example mobile and fixed-line number of every region the phone library
knows, as E.164, with spaces and as the export writes them (programs.phones.phone_for_csv),
converts it with LibreOffice's CSV filter in each locale and counts the cells that came back as
numbers. Needs `soffice` (Debian: libreoffice-calc-nogui). Usage:
    .venv/bin/python scripts/spreadsheet_phones.py
"""

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import django
import openpyxl
import phonenumbers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from programs.phones import phone_for_csv  # noqa: E402

LOCALES = {"en-US": 1033, "en-GB": 2057, "de-DE": 1031, "fr-FR": 1036}
KINDS = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)


def rows() -> list[tuple[str, str, str]]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in KINDS:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            cell = phone_for_csv(e164, region)
            found.append((e164, cell.replace("-", " "), cell))
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work, "phones.csv")
        with source.open("w", newline="", encoding="utf-8-sig") as file:
            writer = csv.writer(file)
            writer.writerow(["e164", "spaces", "export"])
            writer.writerows(rows())
        print("locale  cells  e164-as-number  spaces-as-number  export-as-number")
        for name, code in LOCALES.items():
            out = Path(work, name)
            subprocess.run(
                [
                    "soffice",
                    "--headless",
                    "--norestore",
                    f"--infilter=CSV:44,34,76,1,,{code},false,true",
                    "--convert-to",
                    "xlsx",
                    "--outdir",
                    str(out),
                    str(source),
                ],
                check=True,
                capture_output=True,
                env={**os.environ, "HOME": work},
                timeout=300,
            )
            sheet = openpyxl.load_workbook(out / "phones.xlsx").active
            cells = list(sheet.iter_rows(min_row=2, values_only=True))
            counts = [sum(not isinstance(row[i], str) for row in cells) for i in range(3)]
            print(f"{name}  {len(cells):5}  {counts[0]:14}  {counts[1]:16}  {counts[2]:16}")


if __name__ == "__main__":
    main()
