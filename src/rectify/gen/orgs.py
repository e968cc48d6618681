"""Org trees of the generated provinces (rectify.orgs.reference, a few seconds for all 31)
and the accounts benchmarks log in with: a national office user, and per province an office
user and a unit user (the province's lead units write their progress through it)."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from rectify.accounts.models import User
from rectify.accounts.roles import Role
from rectify.orgs.models import Org
from rectify.orgs.reference import do_load_reference

# The 31 provinces of the mainland (GB/T 2260), Guizhou first: `small` and `province` use it.
PROVINCES = [
    "520000", "110000", "120000", "130000", "140000", "150000", "210000", "220000",
    "230000", "310000", "320000", "330000", "340000", "350000", "360000", "370000",
    "410000", "420000", "430000", "440000", "450000", "460000", "500000", "510000",
    "530000", "540000", "610000", "620000", "630000", "640000", "650000",
]  # fmt: skip
PASSWORD = "Rectify-Gen-2026"  # noqa: S105 - synthetic benchmark accounts, printed
NATIONAL_OFFICE = "gen_office"


def load_orgs(codes: list[str]) -> None:
    for code in codes:
        do_load_reference(code, actor="gen")


def make_users(codes: list[str]) -> dict[str, User]:
    """Users by username (existing ones are kept): gen_office, gen_office_<code>,
    gen_unit_<code>. One password hash for all (hashing each would take seconds)."""
    hashed = make_password(PASSWORD)
    now = timezone.now()
    orgs = {o.code: o for o in Org.objects.filter(code__in=codes)}
    wanted = [(NATIONAL_OFFICE, Role.OFFICE, orgs[codes[0]], "全国督察整改办")]
    for code in codes:
        org = orgs[code]
        wanted.append((f"gen_office_{code}", Role.OFFICE, org, f"{org.short_name}督察整改办"))
        wanted.append((f"gen_unit_{code}", Role.UNIT, org, f"{org.short_name}责任单位"))
    have = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    User.objects.bulk_create(
        [
            User(
                username=name,
                role=role,
                org=org,
                display_name=label,
                password=hashed,
                password_changed_at=now,
            )
            for name, role, org, label in wanted
            if name not in have
        ]
    )
    return {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
