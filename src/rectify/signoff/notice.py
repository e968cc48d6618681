"""The sign-off public notice (销号公示): its text, once, for the HTML page and the Word file.

Layout as offices publish it: title; an opening sentence; 一、整改问题 二、整改实施主体
三、重点措施 四、目标任务 五、完成时限 六、整改完成情况; the objection period with both dates
and the number of working days; where to send objections; 特此公示; issuing office and date.

Public-safe by construction: only the problem's public fields, org names, the completion
report and level names with dates. Never the responsible leader or person, signers,
applicants or opinions (personal data and internal deliberation).
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.enum.text import WD_ALIGN_PARAGRAPH

from rectify.core import officedoc
from rectify.orgs.models import Org, OrgKind
from rectify.problems.states import DeadlineKind
from rectify.signoff.models import AcceptanceLevel, Application, AppState

DOCX_CONTENT_TYPE = officedoc.DOCX_CONTENT_TYPE  # the views and the portal serve it from here


def contact() -> dict[str, str]:
    """Where objections go: settings.RECTIFY_NOTICE_CONTACT over a default naming the
    province's rectification office and the 12369 environmental hotline."""
    province = Org.objects.filter(kind=OrgKind.PROVINCE).order_by("path").first()
    defaults = {
        "office": _("%(province)s inspection rectification office")
        % {"province": province.name if province else ""},
        "phone": "12369",
        "email": "",
        "address": "",
    }
    configured = getattr(settings, "RECTIFY_NOTICE_CONTACT", None) or {}
    return {**defaults, **{k: str(v) for k, v in configured.items() if v}}


def long_date(d: date | None) -> str:
    """A date as the active language writes it in prose (2026年9月28日)."""
    return date_format(d, "DATE_FORMAT") if d else ""


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Notice:
    title: str
    opening: str
    sections: list[Section]
    period: str
    objection: str
    contact_lines: list[str]
    closing: str
    issuer: str
    issued_on: str
    start: date | None
    end: date | None
    working_days: int
    published: bool


def _join(items: list[str]) -> str:
    return pgettext("list separator", ", ").join(items)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _passed_levels(application: Application) -> list[str]:
    """Names of the levels passed, in chain order (for the opening and section six)."""
    names = dict(
        AcceptanceLevel.objects.filter(pk__in=application.levels).values_list("pk", "name")
    )
    return [names[pk] for pk in application.levels if pk in names]


def _deadline(problem) -> str:
    if problem.deadline_kind == DeadlineKind.ONGOING:
        return _("Ongoing obligation.")
    parts = []
    if problem.deadline_kind == DeadlineKind.IMMEDIATE:
        parts.append(_("Immediate rectification."))
    if problem.deadline:
        text = long_date(problem.deadline)
        if problem.original_deadline and problem.original_deadline != problem.deadline:
            text = _("%(deadline)s (originally %(original)s, extended with approval)") % {
                "deadline": text,
                "original": long_date(problem.original_deadline),
            }
        parts.append(_("By %(date)s.") % {"date": text})
    return "".join(parts) or "—"


def notice_data(application: Application) -> Notice:
    """The notice's text in the active language (see the module docstring for what it
    may contain)."""
    problem = application.problem
    inspection = problem.inspection
    levels = _join(_passed_levels(application)) if application.levels else ""
    start, end = application.notice_start, application.notice_end
    info = contact()

    cooperating = [o.name for o in problem.cooperating_units.order_by("path")]
    subject = [_("Lead unit: %(org)s") % {"org": problem.lead_unit.name}]
    if cooperating:
        subject.append(_("Cooperating units: %(orgs)s") % {"orgs": _join(cooperating)})

    measures = [
        _("%(seq)s. %(text)s") % {"seq": m.seq, "text": " ".join(_paragraphs(m.text))}
        for m in problem.measures.order_by("seq")
    ] or [_("No separate measures were listed.")]

    completion = _paragraphs(application.completion_report)
    if application.accepted_on:
        completion.append(
            _(
                "The rectification passed %(levels)s on %(date)s and meets the conditions "
                "for sign-off."
            )
            % {"levels": levels, "date": long_date(application.accepted_on)}
        )

    sections = [
        Section(_("1. The problem"), [problem.title, *_paragraphs(problem.description)]),
        Section(_("2. Who carried out the rectification"), subject),
        Section(_("3. Key measures"), measures),
        Section(_("4. Target"), _paragraphs(problem.target) or ["—"]),
        Section(_("5. Deadline"), [_deadline(problem)]),
        Section(_("6. What was done"), completion or ["—"]),
    ]

    if start and end:
        period = _("Notice period: from %(start)s to %(end)s (%(days)s working days).") % {
            "start": long_date(start),
            "end": long_date(end),
            "days": application.notice_days,
        }
    else:
        period = _("Notice period: the dates will be set once the holiday calendar is known.")

    lines = []
    if info.get("phone"):
        lines.append(_("Telephone: %(v)s") % {"v": info["phone"]})
    if info.get("email"):
        lines.append(_("E-mail: %(v)s") % {"v": info["email"]})
    if info.get("address"):
        lines.append(_("Postal address: %(v)s") % {"v": info["address"]})

    return Notice(
        title=_("Public notice of the sign-off of problem %(number)s of the %(inspection)s")
        % {"number": problem.number, "inspection": inspection.name},
        opening=_(
            "Problem %(number)s of the %(inspection)s, led by %(lead)s, has passed "
            "%(levels)s. Before it is signed off, the rectification is made public as follows "
            "for supervision by society."
        )
        % {
            "number": problem.number,
            "inspection": inspection.name,
            "lead": problem.lead_unit.name,
            "levels": levels,
        },
        sections=sections,
        period=period,
        objection=_(
            "Anyone who objects to the rectification or its sign-off may tell %(office)s "
            "during the notice period, in writing or by telephone, giving facts and contact "
            "details:"
        )
        % {"office": info["office"]},
        contact_lines=lines,
        closing=_("Hereby notified."),
        issuer=info["office"],
        issued_on=long_date(start),
        start=start,
        end=end,
        working_days=application.notice_days,
        published=application.state in (AppState.NOTICE, AppState.SIGNED_OFF) and start is not None,
    )


def has_notice(application: Application) -> bool:
    """Whether the application has reached its public notice (now or in the past)."""
    return application.state in (AppState.NOTICE, AppState.SIGNED_OFF, AppState.REBOUND)


# --- Word --------------------------------------------------------------------------------


def notice_docx(application: Application) -> bytes:
    """The notice as a Word document in the official layout (core.officedoc)."""
    notice = notice_data(application)
    doc = officedoc.new_document()
    officedoc.title(doc, notice.title)
    officedoc.paragraph(doc, notice.opening)
    for part in notice.sections:
        officedoc.heading(doc, part.heading)
        for text in part.paragraphs:
            officedoc.paragraph(doc, text)
    officedoc.paragraph(doc, notice.period)
    officedoc.paragraph(doc, notice.objection)
    for line in notice.contact_lines:
        officedoc.paragraph(doc, line)
    officedoc.paragraph(doc, notice.closing)
    officedoc.paragraph(doc, "", indent=False)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    officedoc.paragraph(doc, notice.issuer, align=right, indent=False)
    if notice.issued_on:
        officedoc.paragraph(doc, notice.issued_on, align=right, indent=False)
    return officedoc.to_bytes(doc)


def notice_filename(application: Application) -> str:
    problem = application.problem
    return f"signoff-notice-{problem.inspection.code}-{problem.number}.docx"
