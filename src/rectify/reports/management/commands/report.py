"""`rectify report disclosure --inspection CODE --as-of YYYY-MM-DD --format json|text|html|docx
[--lang zh|en] [-o FILE]`: the disclosure as of a date, in the report contract's json, the
Chinese (or English) text, a standalone HTML page or a Word document.

If a disclosure of that inspection, date and language was published, that one is printed,
exactly as published (frozen); otherwise the figures are computed now from the ledger.
json, text and html go to standard output unless -o is given; docx needs -o.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.problems.models import Inspection
from rectify.reports.render import FORMATS, document_for, render
from rectify.reports.text import LANGS


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--as-of: %(value)s is not a date; write it as YYYY-MM-DD, e.g. 2020-08-31.")
            % {"value": value},
            returncode=2,
        ) from exc


class Command(BaseCommand):
    help = (
        "Reports: `report disclosure --inspection CODE --as-of YYYY-MM-DD "
        "--format json|text|html|docx [--lang zh|en] [-o FILE]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
        p = sub.add_parser(
            "disclosure", help="The disclosure (公开) of an inspection as of a date."
        )
        p.add_argument(
            "--inspection", required=True, help="Inspection code, e.g. central-2018-lookback"
        )
        p.add_argument("--as-of", required=True, dest="as_of", help="YYYY-MM-DD")
        p.add_argument("--format", default="text", choices=FORMATS, dest="fmt")
        p.add_argument("--lang", default="zh", choices=LANGS)
        p.add_argument("-o", "--output", default="", help="Write to this file instead of stdout")

    def handle(self, *args, report, **options):
        if report == "disclosure":
            self.disclosure(**options)

    def disclosure(self, *, inspection, as_of, fmt, lang, output, **_options):
        as_of_date = _date(as_of)
        today = timezone.localdate()
        if as_of_date > today:
            raise CommandError(
                _("--as-of: %(value)s is after today (%(today)s); figures exist only up to today.")
                % {"value": as_of, "today": today.isoformat()},
                returncode=2,
            )
        found = Inspection.objects.select_related("target_region").filter(code=inspection).first()
        if found is None:
            known = ", ".join(Inspection.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(
                _(
                    "--inspection: there is no inspection with the code %(code)s. "
                    "Known codes: %(known)s."
                )
                % {"code": inspection, "known": known or "—"},
                returncode=2,
            )
        if fmt == "docx" and not output:
            raise CommandError(
                _(
                    "--format docx writes a Word file: give it a name with -o, "
                    "e.g. -o disclosure.docx."
                ),
                returncode=2,
            )
        body = render(document_for(found, as_of_date, lang), fmt)
        if output:
            path = Path(output)
            try:
                if isinstance(body, bytes):
                    path.write_bytes(body)
                else:
                    path.write_text(body, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _("-o: cannot write %(path)s: %(error)s")
                    % {"path": output, "error": exc.strerror}
                ) from exc
            self.stderr.write(_("Written to %(path)s.") % {"path": output})
            return
        self.stdout.write(body, ending="" if body.endswith("\n") else "\n")
