"""`rectify backup -o DIR`: database and evidence files with a SHA-256 manifest (core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rectify.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and every evidence file into "
        "a new directory, with manifest.json (sizes, SHA-256, audit head)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="a new or empty directory")

    def handle(self, *args, output, **options):
        try:
            manifest = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        db = manifest["database"]
        self.stdout.write(
            f"backup written to {output}: {db['engine']} database ({db['size']} bytes), "
            f"{len(manifest['files'])} files ({manifest['files_total_bytes']} bytes), "
            f"audit head #{manifest['audit_head']['seq']}"
        )
        for name in manifest["damaged_before_backup"]:
            self.stderr.write(
                _("Warning: %(name)s already differed from its recorded SHA-256.") % {"name": name}
            )
        if manifest["damaged_before_backup"]:
            raise CommandError(
                _("Some evidence files were damaged before this backup (see above).")
            )
