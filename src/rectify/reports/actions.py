"""Every write on disclosures: create a draft, edit the office's narratives, publish (which
freezes the figures and the text), withdraw. Each runs in one transaction with its audit
event; the office (Cap.RECORD_EVENTS) is the only writer.

`recompute_diff` reads: it recomputes a published disclosure's figures for the same date
and lists every difference from what was frozen. The figures as of a date only change when
something dated on or before it was recorded after publication (a backdated event).
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.accounts.roles import Cap, has_cap
from rectify.core import audit
from rectify.core.errors import ConflictError
from rectify.problems.models import Inspection
from rectify.reports.models import Disclosure, DisclosureState
from rectify.reports.render import compute_figures, live_document
from rectify.reports.text import LANGS, MAX_NARRATIVE_CHARS, NARRATIVE_KEYS, title_for

AUDIT_FIELDS = [
    "inspection",
    "as_of",
    "lang",
    "title",
    "narratives",
    "state",
    "published_at",
    "withdrawn_at",
    "withdrawn_reason",
    "version",
]
MAX_REASON_CHARS = 2000


def _require(actor) -> None:
    if not has_cap(actor, Cap.RECORD_EVENTS):
        raise PermissionDenied


def _snapshot(d: Disclosure) -> dict[str, Any]:
    return audit.snapshot(d, AUDIT_FIELDS)


def _lock(disclosure: Disclosure, expected_version: int | None) -> Disclosure:
    locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("This disclosure was changed by someone else; reload and retry."))
    return locked


def _check_date(as_of: date | None, today: date) -> None:
    if as_of is None:
        raise ValidationError({"as_of": _("Give the date the figures are as of.")})
    if as_of > today:
        message = _("The figures cannot be as of a date after today (%(today)s).")
        raise ValidationError({"as_of": message % {"today": today.isoformat()}})


@transaction.atomic
def check_create_disclosure(
    inspection: Inspection | None,
    as_of: date | None,
    lang: str,
    *,
    actor,
    today: date | None = None,
) -> Disclosure:
    """A draft disclosure of `inspection` as of `as_of` in `lang`, without narratives yet."""
    _require(actor)
    today = today or timezone.localdate()
    if inspection is None:
        raise ValidationError({"inspection": _("Choose the inspection.")})
    if lang not in LANGS:
        raise ValidationError({"lang": _("The language must be zh or en.")})
    _check_date(as_of, today)
    same = Disclosure.objects.filter(inspection=inspection, as_of=as_of, lang=lang)
    if same.filter(state=DisclosureState.PUBLISHED).exists():
        raise ValidationError(
            {
                "as_of": _(
                    "A disclosure of this inspection as of this date in this language is "
                    "published already; withdraw it before preparing another."
                )
            }
        )
    if same.filter(state=DisclosureState.DRAFT).exists():
        raise ValidationError(
            {
                "as_of": _(
                    "A draft of this inspection as of this date in this language exists "
                    "already; edit that one."
                )
            }
        )
    disclosure = Disclosure.objects.create(
        inspection=inspection,
        as_of=as_of,
        lang=lang,
        title=title_for(inspection, lang),
        created_by=actor,
    )
    audit.record(
        "reports.create_disclosure", actor=actor, obj=disclosure, after=_snapshot(disclosure)
    )
    return disclosure


def _clean_narratives(narratives: Any) -> dict[str, str]:
    """Known section keys with text values; anything else is an error naming the key."""
    if not isinstance(narratives, dict):
        raise ValidationError({"narratives": _("Give the sections' texts by section key.")})
    unknown = sorted(str(k) for k in narratives if k not in NARRATIVE_KEYS)
    if unknown:
        raise ValidationError(
            {
                "narratives": _(
                    "Unknown section %(keys)s: figures cannot be edited, only the office's "
                    "text of the sections %(known)s."
                )
                % {"keys": ", ".join(unknown), "known": ", ".join(NARRATIVE_KEYS)}
            }
        )
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in narratives.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.setdefault(f"narratives.{key}", []).append(_("The text must be a string."))
            continue
        text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n"))
        text = text.strip()
        if len(text) > MAX_NARRATIVE_CHARS:
            errors.setdefault(f"narratives.{key}", []).append(
                _("The text is longer than %(n)s characters.") % {"n": MAX_NARRATIVE_CHARS}
            )
            continue
        cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def check_update_narratives(
    disclosure: Disclosure,
    narratives: dict[str, Any],
    *,
    expected_version: int | None,
    actor,
) -> Disclosure:
    """Replace the texts of the sections given (an empty text removes it); drafts only.
    Figures are not editable: any key that is not a section is refused."""
    _require(actor)
    cleaned = _clean_narratives(narratives)
    locked = _lock(disclosure, expected_version)
    if locked.state != DisclosureState.DRAFT:
        raise ValidationError(
            {
                "narratives": _("Only a draft can be edited; this disclosure is %(state)s.")
                % {"state": locked.get_state_display()}
            }
        )
    before = _snapshot(locked)
    merged = {**(locked.narratives or {}), **cleaned}
    locked.narratives = {k: merged[k] for k in NARRATIVE_KEYS if merged.get(k)}
    locked.version += 1
    locked.save(update_fields=["narratives", "version"])
    audit.record(
        "reports.update_narratives", actor=actor, obj=locked, before=before, after=_snapshot(locked)
    )
    return locked


@transaction.atomic
def check_publish_disclosure(
    disclosure: Disclosure, *, expected_version: int | None, actor
) -> Disclosure:
    """Publish a draft: compute the figures and the text now and freeze both."""
    _require(actor)
    locked = _lock(disclosure, expected_version)
    if locked.state != DisclosureState.DRAFT:
        raise ValidationError(
            {
                "state": _("Only a draft can be published; this disclosure is %(state)s.")
                % {"state": locked.get_state_display()}
            }
        )
    clash = Disclosure.objects.filter(
        inspection_id=locked.inspection_id,
        as_of=locked.as_of,
        lang=locked.lang,
        state=DisclosureState.PUBLISHED,
    ).exclude(pk=locked.pk)
    if clash.exists():
        raise ValidationError(
            {
                "state": _(
                    "A disclosure of this inspection as of this date in this language is "
                    "published already; withdraw it first."
                )
            }
        )
    before = _snapshot(locked)
    document = live_document(
        locked.inspection, locked.as_of, locked.lang, locked.narratives, disclosure=locked
    )
    locked.figures = document.figures
    locked.paragraphs = document.frozen_paragraphs()
    locked.title = document.title
    locked.state = DisclosureState.PUBLISHED
    locked.published_by = actor
    locked.published_at = timezone.now()
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:  # a concurrent publication won the unique constraint
        raise ValidationError(
            {"state": _("Another disclosure of this date was published meanwhile.")}
        ) from exc
    audit.record(
        "reports.publish_disclosure",
        actor=actor,
        obj=locked,
        before=before,
        after={**_snapshot(locked), "figures": locked.figures},
    )
    return locked


@transaction.atomic
def check_withdraw_disclosure(
    disclosure: Disclosure, *, reason: str, expected_version: int | None, actor
) -> Disclosure:
    """Withdraw a published disclosure, giving the reason; its frozen text is kept."""
    _require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the disclosure is withdrawn.")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            {"reason": _("The reason is longer than %(n)s characters.") % {"n": MAX_REASON_CHARS}}
        )
    locked = _lock(disclosure, expected_version)
    if locked.state != DisclosureState.PUBLISHED:
        raise ValidationError(
            {
                "state": _("Only a published disclosure can be withdrawn; this one is %(state)s.")
                % {"state": locked.get_state_display()}
            }
        )
    before = _snapshot(locked)
    locked.state = DisclosureState.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_reason = reason
    locked.version += 1
    locked.save(update_fields=["state", "withdrawn_at", "withdrawn_reason", "version"])
    audit.record(
        "reports.withdraw_disclosure",
        actor=actor,
        obj=locked,
        before=before,
        after=_snapshot(locked),
    )
    return locked


# --- comparing a frozen disclosure with a recomputation ----------------------------------


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            # Follow-up blocks are matched by inspection code, not by position.
            label = inner.get("inspection", i) if isinstance(inner, dict) else i
            _flatten(inner, f"{path}[{label}]", out)
    else:
        out[path] = value


def figures_diff(frozen: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, frozen, now) for every figure that differs; a missing one shows as None."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _flatten(frozen, "", a)
    _flatten(now, "", b)
    # In the order of the recomputed figures (the frozen ones may come back from jsonb with
    # their keys reordered), then whatever only the frozen ones have.
    paths = list(b) + [p for p in a if p not in b]
    return [(p, a.get(p), b.get(p)) for p in paths if a.get(p) != b.get(p)]


def recompute_diff(disclosure: Disclosure) -> list[tuple[str, Any, Any]]:
    """Recompute the figures of a published (or withdrawn) disclosure for its date and list
    every difference from what was frozen; empty when history did not change since."""
    if disclosure.figures is None:
        return []
    now = compute_figures(disclosure.inspection, disclosure.as_of)
    return figures_diff(disclosure.figures, now)
