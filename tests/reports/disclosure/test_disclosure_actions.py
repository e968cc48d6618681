"""Writing disclosures: the office creates a draft, writes the narratives (never the
figures), publishes (freezing figures and text) and withdraws; each step audited, stale
versions refused; a backdated record after publication shows in "recompute and compare"
while the published text stays as it was."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rectify.core.errors import ConflictError
from rectify.core.models import AuditEvent
from rectify.problems.states import EventKind
from rectify.problems.testing import add_event
from rectify.reports import actions
from rectify.reports.models import Disclosure, DisclosureState
from rectify.reports.render import compute_figures, document_of
from tests.reports.disclosure.support import TODAY, D


def audit_of(d: Disclosure) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="reports.disclosure", object_id=str(d.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def draft(world, office_clerk):
    return actions.check_create_disclosure(world, D, "zh", actor=office_clerk)


def test_the_office_creates_a_draft_with_the_title_built_from_the_inspection(draft, office_clerk):
    assert draft.state == DisclosureState.DRAFT and draft.version == 1
    assert draft.title.startswith("贵州省公开中央生态环境保护督察“回头看”")
    assert draft.created_by == office_clerk and draft.figures is None
    assert audit_of(draft) == ["reports.create_disclosure"]


@pytest.mark.parametrize("who", ["leader", "zunyi_clerk", "zunyi_reviewer", "team_member"])
def test_only_the_office_writes_disclosures(world, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        actions.check_create_disclosure(world, D, "zh", actor=user)
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    ("as_of", "lang", "field"),
    [(date(2020, 9, 11), "zh", "as_of"), (None, "zh", "as_of"), (D, "fr", "lang")],
)
def test_a_bad_date_or_language_is_refused_naming_the_field(
    world, office_clerk, as_of, lang, field
):
    with pytest.raises(ValidationError) as exc:
        actions.check_create_disclosure(world, as_of, lang, actor=office_clerk)
    assert field in exc.value.message_dict
    assert not Disclosure.objects.exists()


def test_a_second_draft_of_the_same_day_is_refused(draft, office_clerk):
    with pytest.raises(ValidationError) as exc:
        actions.check_create_disclosure(draft.inspection, D, "zh", actor=office_clerk)
    assert "edit that one" in exc.value.message_dict["as_of"][0]
    assert actions.check_create_disclosure(draft.inspection, D, "en", actor=office_clerk)


def test_narratives_are_set_per_section_and_an_empty_text_removes_one(draft, office_clerk):
    d = actions.check_update_narratives(
        draft,
        {"opening": "  贵州省委、省政府高度重视。\r\n", "ledger": "实行月调度。"},
        expected_version=1,
        actor=office_clerk,
    )
    assert d.narratives == {"opening": "贵州省委、省政府高度重视。", "ledger": "实行月调度。"}
    d = actions.check_update_narratives(
        d,
        {"ledger": "", "next_steps": "下一步，继续推进。"},
        expected_version=2,
        actor=office_clerk,
    )
    assert d.narratives == {
        "opening": "贵州省委、省政府高度重视。",
        "next_steps": "下一步，继续推进。",
    }
    assert d.version == 3
    event = AuditEvent.objects.filter(action="reports.update_narratives").order_by("-seq").first()
    assert event.before["narratives"]["ledger"] == "实行月调度。"
    assert "ledger" not in event.after["narratives"]
    text = " ".join(p for s in document_of(d).sections for p in s.paragraphs)
    assert "贵州省委、省政府高度重视。截至2020年6月底" in text and "下一步，继续推进。" in text


@pytest.mark.parametrize(
    "narratives",
    [
        {"problems": {"total": 99}},
        {"opening": "x", "figures": "42"},
        {"title": "改个标题"},
    ],
)
def test_figures_and_unknown_keys_cannot_be_written(draft, office_clerk, narratives):
    with pytest.raises(ValidationError) as exc:
        actions.check_update_narratives(draft, narratives, expected_version=1, actor=office_clerk)
    assert "narratives" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.narratives == {} and draft.version == 1


def test_a_text_that_is_not_a_string_or_too_long_is_refused(draft, office_clerk):
    with pytest.raises(ValidationError) as exc:
        actions.check_update_narratives(
            draft, {"opening": 42, "ledger": "长" * 4001}, expected_version=1, actor=office_clerk
        )
    assert set(exc.value.message_dict) == {"narratives.opening", "narratives.ledger"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(draft, office_clerk):
    actions.check_update_narratives(
        draft, {"opening": "甲"}, expected_version=1, actor=office_clerk
    )
    with pytest.raises(ConflictError):
        actions.check_update_narratives(
            draft, {"opening": "乙"}, expected_version=1, actor=office_clerk
        )
    with pytest.raises(ConflictError):
        actions.check_publish_disclosure(draft, expected_version=1, actor=office_clerk)
    draft.refresh_from_db()
    assert draft.narratives == {"opening": "甲"} and draft.state == DisclosureState.DRAFT


def test_publishing_freezes_the_figures_and_the_text(draft, office_clerk):
    actions.check_update_narratives(
        draft, {"opening": "高度重视。"}, expected_version=1, actor=office_clerk
    )
    d = actions.check_publish_disclosure(draft, expected_version=2, actor=office_clerk)
    assert d.state == DisclosureState.PUBLISHED and d.published_by == office_clerk
    assert d.figures == compute_figures(d.inspection, D)
    assert d.paragraphs["title"] == d.title
    rows = [tuple(r) for r in d.paragraphs["rows"]]
    assert rows[0] == ("整改问题", "6", 0) and ("城市基础设施类", "3", 2) in rows
    assert document_of(d).rows == rows
    opening = d.paragraphs["sections"][0]
    assert opening["key"] == "opening" and "高度重视。截至2020年6月底" in opening["paragraphs"][0]
    event = AuditEvent.objects.get(action="reports.publish_disclosure")
    assert event.after["figures"]["problems"]["total"] == 6
    assert audit_of(d) == [
        "reports.create_disclosure",
        "reports.update_narratives",
        "reports.publish_disclosure",
    ]
    assert actions.recompute_diff(d) == []
    with pytest.raises(ValidationError):
        actions.check_update_narratives(
            d, {"opening": "改"}, expected_version=d.version, actor=office_clerk
        )
    with pytest.raises(ValidationError):
        actions.check_publish_disclosure(d, expected_version=d.version, actor=office_clerk)


def test_a_backdated_record_shows_in_the_comparison_but_not_in_the_published_text(
    draft, office_clerk, ledger
):
    d = actions.check_publish_disclosure(draft, expected_version=1, actor=office_clerk)
    published = document_of(d)
    # Recorded today, effective before the disclosure's date: history changed.
    add_event(ledger["on_schedule"], EventKind.ACCEPTED, date(2020, 6, 15))
    add_event(ledger["idle"], EventKind.PROGRESS, date(2020, 9, 1), percent=30)  # later: no effect
    d.refresh_from_db()
    again = document_of(d)
    assert again.figures == published.figures
    assert [s.as_dict() for s in again.sections] == [s.as_dict() for s in published.sections]
    assert "2项已完成整改" in again.sections[0].paragraphs[0]
    assert actions.recompute_diff(d) == [
        ("problems.completed", 2, 3),
        ("problems.on_schedule", 1, 0),
    ]


def test_comparison_matches_follow_up_blocks_by_inspection_code():
    frozen = {"followup": [{"inspection": "a", "total": 3}, {"inspection": "b", "total": 1}]}
    now = {"followup": [{"inspection": "b", "total": 2}]}
    assert actions.figures_diff(frozen, now) == [
        ("followup[b].total", 1, 2),
        ("followup[a].inspection", "a", None),
        ("followup[a].total", 3, None),
    ]


def test_withdrawing_needs_a_reason_keeps_the_frozen_text_and_frees_the_day(draft, office_clerk):
    d = actions.check_publish_disclosure(draft, expected_version=1, actor=office_clerk)
    with pytest.raises(ValidationError) as exc:
        actions.check_withdraw_disclosure(
            d, reason="  ", expected_version=d.version, actor=office_clerk
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        actions.check_create_disclosure(d.inspection, D, "zh", actor=office_clerk)
    w = actions.check_withdraw_disclosure(
        d, reason="数据口径调整，重新发布。", expected_version=d.version, actor=office_clerk
    )
    assert w.state == DisclosureState.WITHDRAWN and w.withdrawn_reason == "数据口径调整，重新发布。"
    assert w.figures == d.figures and document_of(w).frozen
    with pytest.raises(ValidationError):
        actions.check_withdraw_disclosure(
            w, reason="再撤", expected_version=w.version, actor=office_clerk
        )
    again = actions.check_create_disclosure(d.inspection, D, "zh", actor=office_clerk)
    assert (
        actions.check_publish_disclosure(again, expected_version=1, actor=office_clerk).state
        == "published"
    )
    assert audit_of(w)[-1] == "reports.withdraw_disclosure"


def test_a_draft_cannot_be_withdrawn(draft, office_clerk):
    with pytest.raises(ValidationError) as exc:
        actions.check_withdraw_disclosure(draft, reason="x", expected_version=1, actor=office_clerk)
    assert "state" in exc.value.message_dict


def test_only_one_disclosure_per_inspection_day_and_language_is_published(draft, office_clerk):
    actions.check_publish_disclosure(draft, expected_version=1, actor=office_clerk)
    # A second draft of the same day can only exist if it predates the publication.
    rival = Disclosure.objects.create(
        inspection=draft.inspection, as_of=D, lang="zh", title="x", created_by=office_clerk
    )
    with pytest.raises(ValidationError):
        actions.check_publish_disclosure(rival, expected_version=1, actor=office_clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.filter(pk=rival.pk).update(state=DisclosureState.PUBLISHED)
    assert TODAY > D
