from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignoffConfig(AppConfig):
    name = "rectify.signoff"
    label = "signoff"
    verbose_name = _("Acceptance and sign-off")
