"""Resolving the natural keys the API and forms send (codes, names, usernames, problem
ids) to rows, collecting every unknown one as {field: [message]} (see problems.api.Refs)."""

from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.oversight.models import MeetingKind, Rank, SanctionClass
from rectify.problems.api import Refs
from rectify.problems.models import Problem
from rectify.problems.queries import visible_problems


class OversightRefs(Refs):
    def rank(self, field: str, value: str | None) -> Rank | None:
        if value is None:
            return None
        value = value.strip()
        rank = Rank.objects.filter(code=value).first() or Rank.objects.filter(label=value).first()
        if rank is None:
            labels = "、".join(Rank.objects.values_list("label", flat=True))
            self.fail(
                field,
                _("Unknown rank “%(value)s” (use %(labels)s).")
                % {"value": value, "labels": labels},
            )
        return rank

    def sanction(self, field: str, name: str | None) -> SanctionClass | None:
        if name is None:
            return None
        found = SanctionClass.objects.filter(name=name.strip()).first()
        if found is None:
            self.fail(field, _("Unknown sanction class “%(name)s”.") % {"name": name})
        return found

    def meeting_kind(self, field: str, name: str | None) -> MeetingKind | None:
        if name is None:
            return None
        found = MeetingKind.objects.filter(name=name.strip()).first()
        if found is None:
            self.fail(field, _("Unknown kind of meeting “%(name)s”.") % {"name": name})
        return found

    def problem(self, field: str, pk: int | None, user) -> Problem | None:
        if pk is None:
            return None
        found = visible_problems(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
        if found is None:
            self.fail(field, _("Unknown problem %(id)s.") % {"id": pk})
        return found

    def problems(self, field: str, ids: list[int], user) -> list[Problem]:
        wanted = [i for i in ids if 0 < i < 2**63]
        found = {p.pk: p for p in visible_problems(user).filter(pk__in=wanted)}
        for i, pk in enumerate(ids, start=1):
            if pk not in found:
                self.fail(f"{field}[{i}]", _("Unknown problem %(id)s.") % {"id": pk})
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    def users(self, field: str, usernames: list[str]) -> list[User]:
        found = {u.username: u for u in User.objects.filter(username__in=usernames)}
        for i, name in enumerate(usernames, start=1):
            if name not in found:
                self.fail(f"{field}[{i}]", _("Unknown account “%(name)s”.") % {"name": name})
        return [found[n] for n in dict.fromkeys(usernames) if n in found]
