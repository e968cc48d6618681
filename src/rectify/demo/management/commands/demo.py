from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from rectify.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from rectify.demo.complaints import ensure_demo_complaints
from rectify.demo.disclosure import ensure_demo_disclosure
from rectify.demo.ledger import ensure_demo_ledger
from rectify.demo.oversight import ensure_demo_oversight
from rectify.demo.workflows import ensure_demo_workflows


class Command(BaseCommand):
    help = "Load the demo: the Guizhou org tree and one account per role (idempotent)."

    def handle(self, *args, **options):
        call_command("load-reference", province="520000", stdout=self.stdout)
        ensure_demo_accounts()
        if ensure_demo_ledger(timezone.localdate()):
            self.stdout.write("Demo ledger loaded: 3 inspections, 242 problems.")
        if ensure_demo_workflows(timezone.localdate()):
            self.stdout.write(
                "Demo workflows: a dispatch period with reports, today's warnings, "
                "sign-off applications (one notice on the public portal /public/)."
            )
        if ensure_demo_complaints(timezone.localdate()):
            self.stdout.write(
                "Demo complaints: the 2,688 complaints of the 2018 look-back in daily batches, "
                "handled, closed and published; open ones of a recent inspection."
            )
        if ensure_demo_oversight(timezone.localdate()):
            self.stdout.write(
                "Demo oversight: accountability (5 cases, 19 organisations, 81 officials), "
                "supervision actions, 24 meetings, 9 battle teams, responsibility letters."
            )
        if ensure_demo_disclosure(timezone.localdate()):
            self.stdout.write(
                "Demo disclosure: the 2018 look-back as of 2020-08-31, published "
                "(/reports/ and the public portal)."
            )
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for spec in DEMO_ACCOUNTS:
            self.stdout.write(f"  {spec.username:<10} {spec.role:<9} {spec.display_name}")
        if settings.RECTIFY_REQUIRE_2FA:
            self.stdout.write(
                "Two-factor is ON: office, sysadmin and auditor enrol a TOTP app at first sign-in."
            )
        else:
            self.stdout.write(
                "Two-factor is RELAXED for this demo (RECTIFY_REQUIRE_2FA=0); "
                "production settings always require it for office, sysadmin and auditor."
            )
