from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "rectify.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from rectify.core.registry import register_export, register_import

        register_import("accountability", "rectify.oversight.excel.cli.PersonsImport")
        register_import("supervision", "rectify.oversight.excel.cli.ActionsImport")
        register_export("accountability", "rectify.oversight.excel.cli.PersonsExport")
        register_export("supervision", "rectify.oversight.excel.cli.ActionsExport")
