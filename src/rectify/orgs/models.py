"""The org tree: administrative regions (province → prefecture → county) and departments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    NEW_AREA = "new_area", _("State-level new area")
    COUNTY = "county", _("County")
    DEPARTMENT = "department", _("Provincial department")
    UNIT = "unit", _("Other unit")


REGION_KINDS = (OrgKind.PROVINCE, OrgKind.PREFECTURE, OrgKind.NEW_AREA, OrgKind.COUNTY)


class Org(models.Model):
    """A node of the org tree; `path` ("/520000/520300/520302/") makes subtrees one query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="org_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        # The path is derived; keeping it here means no code path can store a wrong one.
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)

    @property
    def is_region(self) -> bool:
        return self.kind in REGION_KINDS

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def subtree(self):
        """This org and all its descendants."""
        return Org.objects.filter(path__startswith=self.path)

    def ancestors(self):
        codes = [c for c in self.path.strip("/").split("/") if c]
        return Org.objects.filter(code__in=codes).order_by("depth")

    def prefecture(self) -> "Org | None":
        """The prefecture-level org above (or equal to) this one, if any."""
        for org in self.ancestors():
            if org.kind in (OrgKind.PREFECTURE, OrgKind.NEW_AREA):
                return org
        return None
