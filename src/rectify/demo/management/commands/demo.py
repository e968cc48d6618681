from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from rectify.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from rectify.demo.ledger import ensure_demo_ledger
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
