import os
import shutil
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Rectify with gunicorn (the production server) on --bind."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("RECTIFY_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("RECTIFY_WORKERS", "2"))
        )
        # Threaded workers keep client connections alive (sync workers close each one).
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("RECTIFY_THREADS", "4"))
        )

    def handle(self, *args, bind, workers, threads, **options):
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        argv = [
            gunicorn,
            "rectify.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "5",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        self.stdout.write(f"Rectify serving on http://{bind}/")
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - replace this process with the server
