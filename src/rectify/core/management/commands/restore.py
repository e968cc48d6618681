"""`rectify restore DIR [--force]`: a backup into a fresh instance, verified (core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rectify.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a `rectify backup` directory into this instance's (empty) database and "
        "storage; checks every hash before and after and verifies the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a directory written by `rectify backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a target that is not empty",
        )

    def handle(self, *args, directory, force, **options):
        try:
            manifest = restore(Path(directory), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {manifest['database']['engine']} database and "
            f"{len(manifest['files'])} files from {directory} "
            f"(backup of {manifest['created_at']}); every hash matches; "
            f"audit chain intact up to #{manifest['audit_head']['seq']}"
        )
