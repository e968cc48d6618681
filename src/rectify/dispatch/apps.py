from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "rectify.dispatch"
    label = "dispatch"
    verbose_name = _("Monthly dispatch")

    def ready(self):
        # The data-quality check "no progress report in the period" (problems.quality)
        # starts its period where the dispatch period in force starts. problems must not
        # import dispatch (dependencies point down), so dispatch offers it through a hook
        # once quality provides one.
        from rectify.dispatch.queries import period_start_for
        from rectify.problems import quality

        register = getattr(quality, "register_period_start", None)
        if register is not None:
            register(period_start_for)
