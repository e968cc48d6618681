from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "rectify.complaints"
    label = "complaints"
    verbose_name = _("Public complaints")

    def ready(self):
        from rectify.core.registry import register_export, register_import

        register_import("complaints", "rectify.complaints.excel.cli.ComplaintsImport")
        register_export("complaints", "rectify.complaints.excel.cli.ComplaintsExport")
