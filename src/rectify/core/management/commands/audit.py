from django.core.management.base import BaseCommand, CommandError

from rectify.core.audit import verify_chain
from rectify.core.models import AuditEvent


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks the hash chain and names the first break."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="check every event's hash and link")

    def handle(self, *args, verb, **options):
        if verb == "verify":
            problem = verify_chain()
            if problem is not None:
                raise CommandError(f"audit chain broken at {problem}")
            self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} events")
