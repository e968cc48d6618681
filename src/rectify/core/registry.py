"""Spreadsheet subjects of `rectify import` / `rectify export`, registered by each app in its
AppConfig.ready() so that the commands (in problems) never import the apps above them."""

IMPORT_SUBJECTS: dict[str, str] = {}
EXPORT_SUBJECTS: dict[str, str] = {}


def register_import(name: str, handler_path: str) -> None:
    """`rectify import NAME …` runs the handler class at `handler_path` (dotted path)."""
    IMPORT_SUBJECTS[name] = handler_path


def register_export(name: str, handler_path: str) -> None:
    EXPORT_SUBJECTS[name] = handler_path
