"""Factories for ledger tests (used by every app's tests that need problems)."""

from datetime import date

import factory

from rectify.orgs.models import Org
from rectify.problems.models import Category, Inspection, Milestone, Problem, StatusEvent
from rectify.problems.states import DeadlineKind


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        django_get_or_create = ("code",)

    code = "central-2018-lookback"
    name = "中央第五生态环境保护督察组“回头看”及长江流域生态问题专项督察"
    level = "central"
    kind = "lookback"
    target_region = factory.LazyFunction(lambda: Org.objects.get(code="520000"))
    team = "中央第五生态环境保护督察组"
    onsite_start = date(2018, 11, 4)
    onsite_end = date(2018, 12, 4)
    feedback_date = date(2019, 5, 10)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem
        skip_postgeneration_save = True

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"遵义市某工业园区污水处理设施建设滞后问题{n}")
    description = "园区污水收集管网不完善，部分企业废水直排。"
    category = factory.LazyFunction(lambda: Category.objects.get(name="环境生态类"))
    region = factory.LazyFunction(lambda: Org.objects.get(code="520300"))
    lead_unit = factory.LazyFunction(lambda: Org.objects.get(code="520300"))
    deadline_kind = DeadlineKind.BY_DATE
    start_date = date(2019, 5, 10)
    original_deadline = date(2020, 12, 31)
    deadline = factory.SelfAttribute("original_deadline")
    warning_days = 30


def add_event(problem: Problem, kind: str, on: date, **fields) -> StatusEvent:
    event = StatusEvent(problem=problem, kind=kind, effective_date=on, **fields)
    event.save()
    return event


def add_milestone(problem: Problem, on: date, percent: int) -> Milestone:
    m = Milestone(problem=problem, date=on, percent=percent)
    m.save()
    return m
