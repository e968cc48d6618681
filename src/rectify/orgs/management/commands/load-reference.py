from django.core.management.base import BaseCommand, CommandError

from rectify.orgs.reference import do_load_reference


class Command(BaseCommand):
    help = "Load (or refresh) a province's org tree: regions, counties and departments."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="520000", help="6-digit province code")

    def handle(self, *args, province, **options):
        try:
            result = do_load_reference(province, actor="cli:load-reference")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"orgs {province}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
