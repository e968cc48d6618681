"""Some oversight for every central inspection, so that the disclosure's accountability and
supervision figures are not all zero: transferred accountability cases with the
organisations and officials held accountable, and supervision actions (致函, 约谈, 通报,
暗访) on problems. Few rows: written through the ORM (save() sets org_key / person_key)."""

import random
from datetime import timedelta

from rectify.gen import vocab
from rectify.oversight.models import (
    AccountabilityCase,
    CaseStatusChange,
    HeldOrganization,
    HeldPerson,
    Rank,
    SanctionClass,
    SupervisionAction,
)
from rectify.oversight.states import ActionKind, CaseSource, CaseStatus

POSTS = ["局长", "副局长", "科长", "副主任", "站长", "所长", "镇长", "副镇长", "主任科员"]
ACTION_ZH = {
    ActionKind.LETTER: "督办函",
    ActionKind.INTERVIEW: "约谈",
    ActionKind.NOTIFICATION: "通报",
    ActionKind.SECRET_VISIT: "暗访暗查",
}


def generate_province(prov, today, now, office, rng: random.Random) -> dict[str, int]:
    ranks = list(Rank.objects.order_by("sort_order"))
    sanctions = list(SanctionClass.objects.filter(is_active=True).order_by("sort_order"))
    counts = {"cases": 0, "held_orgs": 0, "held_persons": 0, "actions": 0}
    for ins in prov.central:
        if ins.feedback_date >= today:
            continue
        for n in range(1, rng.randint(2, 5) + 1):
            county = rng.choice(prov.counties)
            received = ins.feedback_date + timedelta(days=rng.randint(0, 30))
            decided = received + timedelta(days=rng.randint(60, 240))
            decided = decided if decided <= today else None
            status = (
                CaseStatus.CLOSED
                if decided and rng.random() < 0.6
                else (CaseStatus.DECIDED if decided else CaseStatus.OPEN)
            )
            site = rng.choice(vocab.SITES)
            case = AccountabilityCase.objects.create(
                inspection=ins,
                number=f"{ins.round}-{n}",
                title=f"{county.name}{site}{rng.choice(vocab.ISSUES)}问题责任追究",
                summary=f"督察组移交{county.name}{site}问题，经调查，相关部门履职不到位。",
                source=CaseSource.TRANSFERRED,
                received_date=received,
                status=status,
                decision_date=decided,
                published=decided is not None,
                created_at=now,
                updated_at=now,
            )
            counts["cases"] += 1
            if decided:
                CaseStatusChange.objects.create(
                    case=case,
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.DECIDED,
                    actor=office,
                    effective_date=decided,
                    recorded_at=now,
                )
            if decided is None:
                continue
            units = rng.sample(prov.counties, min(len(prov.counties), rng.randint(1, 3)))
            for org in units:
                HeldOrganization.objects.create(
                    case=case,
                    name=f"{org.name}人民政府",
                    org=org,
                    handling="责令作出书面检查",
                    document_number=f"{org.short_name}纪发〔{decided.year}〕{rng.randint(1, 99)}号",
                )
                counts["held_orgs"] += 1
            for _ in range(rng.randint(2, 8)):
                org = rng.choice(units)
                HeldPerson.objects.create(
                    case=case,
                    name=rng.choice(vocab.SURNAMES) + "".join(rng.sample(vocab.GIVEN, 2)),
                    post=f"{org.short_name}生态环境分局{rng.choice(POSTS)}",
                    org=org,
                    rank=rng.choices(ranks, weights=[1, 4, 10][: len(ranks)])[0],
                    sanction=rng.choice(sanctions),
                    decision_date=decided,
                )
                counts["held_persons"] += 1
        actions = []
        for k in range(rng.randint(3, 8)):
            on = ins.feedback_date + timedelta(days=rng.randint(30, 700))
            if on > today:
                continue
            kind = rng.choice(list(ACTION_ZH))
            county = rng.choice(prov.counties)
            actions.append(
                SupervisionAction(
                    inspection=ins,
                    kind=kind,
                    date=on,
                    title=f"关于{county.name}整改推进情况的{ACTION_ZH[kind]}（{k + 1}）",
                    content=f"督促{county.name}加快推进整改，按期完成整改任务。",
                    conducted_by="省生态环境保护督察整改工作领导小组办公室",
                    created_by=office,
                    created_at=now,
                    updated_at=now,
                )
            )
        SupervisionAction.objects.bulk_create(actions)
        counts["actions"] += len(actions)
    return counts
