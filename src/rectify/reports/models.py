"""Disclosures (公开): the office's report of where rectification stands as of a date. A draft
holds only the office's own narrative paragraphs; publishing freezes the figures and the
text as they were, so that a disclosure never changes after it is out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rectify.problems.models import Inspection


class DisclosureState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Disclosure(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    lang = models.CharField(_("language"), max_length=5, default="zh")
    title = models.CharField(_("title"), max_length=200)
    # The office's own words, by section key of the text generator; figures are never here.
    narratives = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=DisclosureState.choices, default=DisclosureState.DRAFT
    )
    # Frozen on publication: the figures (report contract JSON) and the text as published.
    figures = models.JSONField(null=True, blank=True)
    paragraphs = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-as_of", "inspection_id"]
        verbose_name = _("disclosure")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "as_of", "lang"],
                condition=Q(state="published"),
                name="one_published_disclosure_per_day",
            )
        ]

    def __str__(self) -> str:
        return self.title
