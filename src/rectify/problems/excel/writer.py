"""The import's writes, in bulk, with their audit rows chained in one go.

An import of 10,000 problems writes about a million column values. The ORM's bulk_create
and model instances spend most of their time preparing each value, so rows are built as
plain dicts and inserted with multi-row statements; derived columns (day numbers, sort keys) are
set here exactly as the models' save() would. Audit rows are appended to the hash chain
in the same transaction, computed as core.audit.record() does, in a few statements.
"""

import sqlite3
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.utils import timezone

from rectify.core import audit
from rectify.problems.actions import PROBLEM_FIELDS
from rectify.problems.excel.headers import name_key
from rectify.problems.excel.plan import ATTNAMES
from rectify.problems.excel.rows import EventSpec, OrgIndex, Row
from rectify.problems.models import (
    Aspect,
    Measure,
    Milestone,
    Problem,
    StatusEvent,
    day_number,
    number_sort_key,
)

ORIGIN = "import"
BATCH = 1000
PROBLEM_TYPE = Problem._meta.label_lower
STATE_FIELDS = [*PROBLEM_FIELDS, "version"]


def _converter(field):
    """How one column's Python value goes to the database, without the ORM's per-value work."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateField":
        return lambda v: None if v is None else ops.adapt_datefield_value(v)
    if kind == "DateTimeField":
        cache: dict = {}

        def datetime_value(v):
            if v is None:
                return None
            if v not in cache:
                cache[v] = ops.adapt_datetimefield_value(v)
            return cache[v]

        return datetime_value
    if kind == "DecimalField":
        return lambda v: (
            None
            if v is None
            else ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
        )
    if kind == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    if kind in ("CharField", "TextField", "SlugField"):
        # Choices are str subclasses (TextChoices); drivers want plain str.
        return lambda v: v if v is None or type(v) is str else str(v)
    return lambda v: v


def _max_params() -> int:
    """Bind parameters one statement may carry on this database."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:  # the real limit (32766 on current SQLite), not Django's conservative 999
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:
            return 999
    return connection.features.max_query_params or 65535


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT rows given as {attname: value}; missing columns get the field's default.

    PostgreSQL gets COPY. SQLite gets multi-row VALUES statements rather than executemany:
    the full-text trigger of problems runs far faster once per statement than per row.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan = [(f.attname, _converter(f), f.get_default()) for f in fields]
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata; every value is a parameter.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: no statement to parse, rows streamed in one go.
        columns = ", ".join(qn(f.column) for f in fields)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(conv(row.get(name, d)) for name, conv, d in plan))
        return
    per = max(1, min(BATCH, _max_params() // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            params = [conv(row.get(name, default)) for row in chunk for name, conv, default in plan]
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def _problem_repr(number: str, title: str) -> str:
    return f"{number} {title[:40]}"  # as Problem.__str__


class Writer:
    """Bulk writes of one import, with their audit rows chained at the end."""

    def __init__(self, inspection, actor, orgs: OrgIndex, aspects: dict[str, Aspect], result):
        self.inspection = inspection
        self.actor = actor
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.orgs = orgs
        self.aspects = aspects
        self.result = result
        self.now = timezone.now()
        # (action, object id, object repr, before, after); all on problems
        self.audit: list[tuple[str, int, str, Any, Any]] = []
        self.created_events: dict[str, list[dict]] = {}

    def aspect_id(self, name: str | None) -> int | None:
        if not name:
            return None
        key = name_key(name)
        if key not in self.aspects:
            number = max((a.number for a in self.aspects.values()), default=0) + 1
            aspect = Aspect.objects.create(inspection=self.inspection, number=number, name=name)
            self.aspects[key] = aspect
            self.result.aspects_created.append(name)
            audit.record(
                "problems.create_aspect", actor=self.actor, obj=aspect, after=audit.snapshot(aspect)
            )
        return self.aspects[key].pk

    def _values(self, data: dict, row: Row) -> dict:
        """The problem's columns by attname, derived ones included."""
        values = {ATTNAMES.get(k, k): data[k] for k in PROBLEM_FIELDS if k in data}
        values["inspection_id"] = self.inspection.pk
        if row.aspect_name is not None:
            values["aspect_id"] = self.aspect_id(row.aspect_name)
        values["start_day"] = day_number(values["start_date"])
        values["original_deadline_day"] = day_number(values.get("original_deadline"))
        values["sort_key"] = number_sort_key(values["number"])
        return values

    def _state(self, values: dict, coop, measures: list[str], milestones) -> dict:
        """What actions.problem_state records, from plain values."""
        state = {ATTNAMES.get(k, k): values.get(ATTNAMES.get(k, k)) for k in STATE_FIELDS}
        state["cooperating_units"] = sorted(self.orgs.code(pk) for pk in coop)
        state["measures"] = [{"seq": i, "text": t} for i, t in enumerate(measures, 1)]
        state["milestones"] = [{"date": d, "percent": p} for d, p in milestones]
        return state

    def create(self, planned: list[tuple[Row, dict]]) -> dict[str, SimpleNamespace]:
        """Insert new problems with their children; returns (pk, number) by number."""
        if not planned:
            return {}
        rows = []
        for row, data in planned:
            values = self._values(data, row)
            values["deadline"] = row.extended_deadline or values.get("original_deadline")
            values.update(version=1, created_at=self.now, updated_at=self.now)
            rows.append(values)
        insert_rows(Problem, rows)
        ids = dict(Problem.objects.filter(inspection=self.inspection).values_list("number", "pk"))
        problems = {}
        for values, (row, _data) in zip(rows, planned, strict=True):
            pk = ids[values["number"]]
            # A stand-in: a model instance per row costs more than the whole insert.
            problems[values["number"]] = SimpleNamespace(pk=pk, number=values["number"])
            state = self._state(values, row.coop or [], row.measures or [], row.milestones or [])
            state.update(origin=ORIGIN, row=row.row)
            # The events of a new problem are listed in its creation record (filled later).
            self.created_events[values["number"]] = state.setdefault("events", [])
            repr_ = _problem_repr(values["number"], values["title"])
            self.audit.append(("problems.create_problem", pk, repr_, None, state))
            self.result.created.append(values["number"])
        self._children(
            [(problems[r["number"]].pk, row) for r, (row, _d) in zip(rows, planned, strict=True)]
        )
        return problems

    def update(self, planned: list[tuple[Row, Problem, dict]], existing) -> dict[str, Problem]:
        """Save changed problems (version + 1) and replace the children the file gives."""
        done = {}
        for row, problem, data in planned:
            old = {f.attname: getattr(problem, f.attname) for f in Problem._meta.concrete_fields}
            old_measures = [m.text for m in existing.measures.get(problem.pk, [])]
            old_coop = existing.coop.get(problem.pk, [])
            old_milestones = existing.milestones.get(problem.pk, [])
            before = self._state(old, old_coop, old_measures, old_milestones)
            values = self._values(data, row)
            for name, value in values.items():
                setattr(problem, name, value)
            problem.version += 1
            problem.updated_at = self.now
            problem.save()
            after = self._state(
                {**values, "version": problem.version, "deadline": problem.deadline},
                old_coop if row.coop is None else row.coop,
                old_measures if row.measures is None else row.measures,
                old_milestones if row.milestones is None else row.milestones,
            )
            after["origin"] = ORIGIN
            self.audit.append(("problems.update_problem", problem.pk, str(problem), before, after))
            self.result.updated.append(problem.number)
            done[problem.number] = problem
        self._children([(p.pk, row) for row, p, _d in planned], existing.measures, replace=True)
        return done

    def _children(self, pairs, old_measures=None, *, replace: bool = False) -> None:
        through = Problem.cooperating_units.through
        coop_rows, measure_rows, milestone_rows = [], [], []
        coop_ids, measure_ids, milestone_ids = [], [], []
        for pk, row in pairs:
            if row.coop is not None:
                coop_ids.append(pk)
                coop_rows += [{"problem_id": pk, "org_id": o} for o in row.coop]
            if row.measures is not None:
                measure_ids.append(pk)
                # Keep unit, due date and done flag of measures whose text is unchanged.
                previous = {m.text: m for m in (old_measures or {}).get(pk, [])}
                for i, text in enumerate(row.measures, start=1):
                    measure = {"problem_id": pk, "seq": i, "text": text}
                    if old := previous.pop(text, None):
                        measure.update(
                            responsible_unit_id=old.responsible_unit_id,
                            due_date=old.due_date,
                            done=old.done,
                            done_date=old.done_date,
                        )
                    measure_rows.append(measure)
            if row.milestones is not None:
                milestone_ids.append(pk)
                milestone_rows += [
                    {"problem_id": pk, "date": d, "day": day_number(d), "percent": p}
                    for d, p in row.milestones
                ]
        if replace:
            for model, ids in (
                (through, coop_ids),
                (Measure, measure_ids),
                (Milestone, milestone_ids),
            ):
                for start in range(0, len(ids), BATCH):  # SQLite's bound-parameter limit
                    model.objects.filter(problem_id__in=ids[start : start + BATCH]).delete()
        insert_rows(through, coop_rows)
        insert_rows(Measure, measure_rows)
        insert_rows(Milestone, milestone_rows)

    def add_events(self, planned: list[tuple[Row, list[EventSpec]]], problems) -> None:
        """Append the dated events; audited in the creation record or one row per event."""
        rows = []
        for row, specs in planned:
            problem = problems[row.number]
            listed = self.created_events.get(row.number)
            for spec in specs:
                rows.append(
                    {
                        "problem_id": problem.pk,
                        "kind": spec.kind,
                        "effective_date": spec.effective_date,
                        "day": day_number(spec.effective_date),
                        "recorded_at": self.now,
                        "actor_id": self.user.pk if self.user else None,
                        "percent": spec.percent,
                        "new_deadline": spec.new_deadline,
                        "new_deadline_day": day_number(spec.new_deadline),
                        "note": spec.note,
                        "origin": ORIGIN,
                    }
                )
                fact = {
                    "kind": spec.kind,
                    "effective_date": spec.effective_date,
                    "percent": spec.percent,
                    "new_deadline": spec.new_deadline,
                    "note": spec.note,
                    "origin": ORIGIN,
                }
                if listed is not None:
                    listed.append(fact)
                else:
                    action = f"problems.event.{spec.kind}"
                    self.audit.append((action, problem.pk, str(problem), None, fact))
        insert_rows(StatusEvent, rows)
        self.result.events += len(rows)

    def flush_audit(self) -> None:
        """Append the collected audit rows to the hash chain in one go."""
        audit.record_many(
            [
                audit.Entry(action, PROBLEM_TYPE, str(pk), repr_, before, after)
                for action, pk, repr_, before, after in self.audit
            ],
            actor=self.user or self.actor,
        )
        self.audit = []
