from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "rectify.problems"
    label = "problems"
    verbose_name = _("Problem ledger")

    def ready(self):
        from rectify.core.registry import register_export, register_import

        register_import("ledger", "rectify.problems.excel.cli.LedgerImport")
        register_export("ledger", "rectify.problems.excel.cli.LedgerExport")
