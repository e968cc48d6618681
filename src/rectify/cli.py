"""The `rectify` console script: Django's management commands under one name."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. `rectify migrate` or `rectify audit verify`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rectify", *sys.argv[1:]])


if __name__ == "__main__":
    main()
