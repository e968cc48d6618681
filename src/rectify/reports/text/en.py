"""The disclosure in English, the same structure as the Chinese (see reports.text)."""

import re
from decimal import Decimal

from rectify.reports.text.common import (
    CATEGORIES_EN,
    ENFORCEMENT_EN,
    MEETINGS_EN,
    RANKS_EN,
    SANCTIONS_EN,
    Context,
    count,
    en_as_of,
    en_date,
    inspection_subject_en,
    named,
    region_en,
)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _en_list(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class English:
    def __init__(self, c: Context):
        self.c = c
        self.region = region_en(c.inspection.target_region)
        self.subject = inspection_subject_en(c.inspection)
        if c.province_wide:
            self.gov = "the provincial government"
            self.below = "the prefectures and provincial departments"
            self.office = "the provincial rectification office"
        else:
            self.gov = f"the government of {self.region}"
            self.below = "its counties and departments"
            self.office = "the rectification office"

    def heading(self, key: str) -> str:
        return {
            "followup": "The province's follow-up inspections",
            "responsibility": "Political responsibility for the rectification",
            "leadership": "Leadership",
            "supervision": "Dispatch and supervision",
            "accountability": "Accountability",
            "ledger": "Rectification of the problems on the ledger",
            "complaints": "Handling of public complaints",
            "battle_teams": "Battle teams",
        }.get(key, "")

    def _team(self) -> str:
        team = self.c.inspection.team
        return f"the inspection team ({team})" if team else "the inspection team"

    def opening(self) -> list[str]:
        c, i = self.c, self.c.inspection
        d = en_as_of(c.as_of)
        woven = " ".join(c.narratives.get("opening", []))
        woven = f" {woven}" if woven else ""
        what = f"the {self.subject} ({i.name})"
        if c.phase == "before":
            return [
                f"As of {d}, {self._team()} had not yet begun {what} of {self.region}; "
                f"there was no feedback and no rectification task yet.{woven}"
            ]
        if c.phase == "onsite":
            since = f" from {en_date(i.onsite_start)}" if i.onsite_start else ""
            text = (
                f"{self._team().capitalize()} was conducting {what} of {self.region}{since}.{woven}"
            )
            text += f" As of {d}, the team was still on site and had not yet given its feedback"
            return [text + self._complaints_clause() + "."]
        when = ""
        if i.onsite_start and i.onsite_end:
            when = f" from {en_date(i.onsite_start)} to {en_date(i.onsite_end)}"
        text = f"{self._team().capitalize()} conducted {what} of {self.region}{when}."
        if c.phase == "awaiting":
            text += f"{woven} As of {d}, the team had not yet given its feedback"
            return [text + self._complaints_clause() + "."]
        text += (
            f" The team gave its feedback to {self.region} on {en_date(i.feedback_date)}.{woven}"
        )
        text += f" As of {d}, {self._status_clause()}{self._complaints_clause()}."
        return [text + " The progress of the rectification is made public as follows."]

    def _status_clause(self) -> str:
        p = self.c.problems
        total = count(p.get("total"))
        if not total:
            return "the problems of the feedback were still being listed, none yet on the ledger"
        completed = count(p.get("completed"))
        head = f"of the {_plural(total, 'problem')} on {self.region}'s ledger"
        if completed == total:
            return f"all {_plural(total, 'problem')} on {self.region}'s ledger had been rectified"
        parts = [
            f"{n:,} {text}"
            for n, text in (
                (completed, "had been rectified"),
                (count(p.get("on_schedule")), "were on schedule"),
                (count(p.get("behind_schedule")), "were behind schedule"),
                (count(p.get("overdue")), "were overdue"),
                (count(p.get("not_started")), "had not been started"),
            )
            if n
        ]
        parts = [re_singular(x) for x in parts]
        return f"{head}, {_en_list(parts)}"

    def _closure(self, by: str) -> str:
        """ "all 2,688 public complaints <by> had been closed" or "of the 20 public
        complaints <by>, 15 had been closed and 5 were still being handled" (zero clauses
        left out)."""
        q = self.c.complaints
        assigned, closed = count(q.get("assigned")), count(q.get("closed"))
        noun = f"{_plural(assigned, 'public complaint')} {by}"
        if closed == assigned:
            return f"all {noun} had been closed" if assigned > 1 else f"the {noun} had been closed"
        parts = [
            re_singular(f"{n:,} {label}")
            for n, label in (
                (closed, "had been closed"),
                (count(q.get("closed_stage")), "were closed for the current stage"),
                (count(q.get("in_progress")), "were still being handled"),
            )
            if n
        ]
        return f"of the {noun}, {_en_list(parts)}"

    def _complaints_clause(self) -> str:
        if not count(self.c.complaints.get("assigned")):
            return ""
        return f"; {self._closure(f'transferred to {self.region}')}"

    def responsibility(self) -> list[str]:
        """The office's own words only: there is no figure of political responsibility."""
        return []

    def leadership(self) -> list[str]:
        c = self.c
        out = []
        total = count(c.figures.get("meetings"))
        if total:
            kinds = [
                MEETINGS_EN.get(k, k) for k, _n in named(c.figures.get("meetings_by_kind")) if k
            ]
            held = f"{_plural(total, 'meeting')}" + (f" ({_en_list(kinds)})" if kinds else "")
            about = (
                "heard reports on the rectification and planned the work"
                if c.phase == "after"
                else "planned the cooperation with the inspection"
            )
            out.append(f"{held.capitalize()} {about}.")
        letters = count(c.figures.get("responsibility_letters"))
        if letters:
            out.append(
                f"{self.gov.capitalize()} signed "
                f"{_plural(letters, 'annual responsibility letter')} with {self.below}."
            )
        return out

    def followup(self) -> list[str]:
        c = self.c
        d = en_as_of(c.as_of)
        out = []
        for block, child in c.children_started():
            what = f"the {child.name} ({child.code})"
            if child.feedback_date is None or c.as_of < child.feedback_date:
                out.append(f"The province conducted {what}; as of {d} it had not given feedback.")
                continue
            total, done = count(block.get("total")), count(block.get("completed"))
            if not total:
                out.append(f"The province conducted {what}; its problems were still being listed.")
            elif done == total:
                out.append(
                    f"The province conducted {what}. As of {d}, all {_plural(total, 'problem')} "
                    "it found had been rectified."
                )
            elif done:
                out.append(
                    f"The province conducted {what}. As of {d}, of the {_plural(total, 'problem')} "
                    f"it found, {done:,} had been rectified and the rest were being rectified."
                )
            else:
                out.append(
                    f"The province conducted {what}. As of {d}, the {_plural(total, 'problem')} "
                    "it found were being rectified."
                )
        return out

    def supervision(self) -> list[str]:
        s = self.c.figures.get("supervision") or {}
        items = [
            _plural(count(s.get(key)), one, many)
            for key, one, many in (
                ("letters", "supervision letter", None),
                ("interviews", "interview", None),
                ("notifications", "public notification", None),
                ("secret_visits", "secret visit", None),
                ("spot_checks", "spot check", None),
                ("warning_films", "warning film", None),
            )
            if count(s.get(key))
        ]
        if not items:
            return []
        return [f"Supervision actions taken: {_en_list(items)}."]

    def accountability(self) -> list[str]:
        a = self.c.figures.get("accountability") or {}
        cases, orgs, persons = (
            count(a.get("cases_transferred")),
            count(a.get("organizations")),
            count(a.get("persons")),
        )
        text = ""
        if cases:
            text = f"The inspection team transferred {_plural(cases, 'accountability case')}."
        if orgs or persons:
            targets = []
            if orgs:
                targets.append(_plural(orgs, "Party organisation"))
            if persons:
                ranks = [f"{n:,} {RANKS_EN.get(k, k)}" for k, n in named(a.get("by_rank")) if k]
                targets.append(
                    _plural(persons, "official") + (f" ({', '.join(ranks)})" if ranks else "")
                )
            single = len(targets) == 1 and (orgs or persons) == 1
            text += f" {_en_list(targets)} {'was' if single else 'were'} held accountable."
            sanctions = [
                f"{SANCTIONS_EN.get(k, k)}: {n:,}" for k, n in named(a.get("by_sanction")) if k
            ]
            if sanctions:
                text += f" Sanctions: {'; '.join(sanctions)}."
        elif cases:
            text += " They were being investigated."
        return [text.strip()] if text else []

    def ledger(self) -> list[str]:
        c = self.c
        if c.phase != "after":
            return []
        p = c.problems
        total = count(p.get("total"))
        if not total:
            return [
                "The problems of the feedback were still being listed; "
                "the ledger was not set up yet."
            ]
        aspects = [name for name, _n in named(p.get("by_aspect")) if name]
        categories = named(p.get("by_category"))
        text = f"The feedback named {_plural(total, 'problem')}"
        if aspects:
            text += f" in {_plural(len(aspects), 'aspect')} ({'; '.join(aspects)})"
        text += "; each is tracked on the ledger with its measures and deadline."
        if categories:
            listed = [
                f"{CATEGORIES_EN.get(name, name or 'uncategorised')} {n:,}"
                for name, n in categories
            ]
            text += f" By category: {', '.join(listed)}."
        out = [text]
        years = named(p.get("by_deadline_year"))
        if years:
            listed = [
                f"{n:,} due in {y}" if str(y).isdigit() else f"{n:,} ongoing" for y, n in years
            ]
            out.append(f"By deadline: {', '.join(listed)}.")
        completed, signed = count(p.get("completed")), count(p.get("signed_off"))
        details = []
        if completed and signed:
            details.append(f"of the {completed:,} rectified, {signed:,} had been signed off")
        basically = count(p.get("basically_done"))
        if basically:
            details.append(f"{basically:,} more were basically done")
        if details:
            out.append(f"As of {en_as_of(c.as_of)}, {'; '.join(details)}.")
        return out

    def complaints(self) -> list[str]:
        q = self.c.complaints
        assigned = count(q.get("assigned"))
        if not assigned:
            return []
        closure = self._closure(f"the inspection team transferred to {self.region}")
        text = closure[0].upper() + closure[1:]
        closed = count(q.get("closed"))
        if closed and closed < assigned:
            rate = Decimal(str(q.get("closure_rate") or 0)) * 100
            text += f" (closure rate {rate.quantize(Decimal('0.1'))}%)"
        text += "."
        enforcement = []
        for key, (one, many) in ENFORCEMENT_EN.items():
            value = Decimal(str((q.get("enforcement") or {}).get(key) or 0))
            if value:
                n = (
                    f"{value:,.2f}".removesuffix(".00")
                    if key == "fines_yuan"
                    else f"{int(value):,}"
                )
                enforcement.append((one if value == 1 else many).format(n=n))
        if enforcement:
            text += f" In handling them: {', '.join(enforcement)}."
        return [text]

    def battle_teams(self) -> list[str]:
        n = count(self.c.figures.get("battle_teams"))
        if not n:
            return []
        return [
            f"{self.office.capitalize()} sent {_plural(n, 'battle team')} to work with "
            f"{self.below} on the key problems listed for supervision."
        ]

    def next_steps(self) -> list[str]:
        c = self.c
        if c.phase != "after":
            return [
                f"Next, {self.region} will cooperate fully with the inspection, handle the "
                "transferred complaints at once, and draw up a rectification plan after the "
                "feedback."
            ]
        if not count(c.problems.get("total")):
            return [
                f"Next, {self.region} will list the problems of the feedback and set up the ledger."
            ]
        if c.open_problems:
            return [
                f"Next, {self.region} will follow up each of the "
                f"{_plural(c.open_problems, 'problem')} not yet rectified until it is completed "
                "on time."
            ]
        return [f"Next, {self.region} will consolidate the results and guard against any rebound."]

    def numbered(self, level: int, n: int, heading: str) -> str:
        return f"{n}. {heading}" if level == 1 else f"({n}) {heading}"


def re_singular(clause: str) -> str:
    """ "1 were on schedule" → "1 was on schedule" (the verb agrees with a count of one)."""
    return re.sub(r"^1 were ", "1 was ", clause)
