"""Office pages of the 边督边改 publication: preview a batch as of a date (live figures),
publish it (frozen), list, read, withdraw and download publications.

Preview and publications are read by the office and leaders (whole-province scope, no
personal data in them); only the office publishes and withdraws (permissions.manages).
Every write goes through complaints.publication's actions.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.accounts.roles import Cap, has_cap
from rectify.complaints import publication as pubs
from rectify.complaints.models import ComplaintBatch, Publication
from rectify.complaints.permissions import manages
from rectify.core.forms import apply_validation_error
from rectify.orgs.models import REGION_KINDS, Org, OrgKind

PER_PAGE = 30


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _require_read(user) -> None:
    """Whole-province readers (office, leaders); everyone else gets 404, as for missing."""
    if not (has_cap(user, Cap.VIEW_BUSINESS) and user.data_scope().all):
        raise Http404


class BatchChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ComplaintBatch) -> str:
        return _("%(inspection)s · batch %(n)d (%(day)s)") % {
            "inspection": obj.inspection.code,
            "n": obj.number,
            "day": obj.received_on.isoformat(),
        }


class PreviewForm(forms.Form):
    batch = BatchChoice(
        label=gettext_lazy("Batch"),
        queryset=ComplaintBatch.objects.select_related("inspection").order_by(
            "-inspection__feedback_date", "inspection__code", "number"
        ),
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"), widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Published by (region)"),
        queryset=Org.objects.filter(kind__in=REGION_KINDS).exclude(kind=OrgKind.PROVINCE),
        required=False,
        empty_label=gettext_lazy("The province"),
        help_text=gettext_lazy("A prefecture or county publishing its own figures (preview only)."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it withdrawn?"),
        min_length=4,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _document(title: str, paragraphs: list[str], rows: list[dict], inspection, number: int):
    return {
        "title": title,
        "paragraphs": paragraphs,
        "table": pubs.table(rows),
        "headers": pubs.headers(_lang()),
        "attachment_title": pubs.attachment_title(inspection, number),
        "rows_lang": "zh-Hans" if _lang() == "en" else "",
    }


@login_required
def publication_list(request):
    _require_read(request.user)
    form = PreviewForm(initial={"as_of": timezone.localdate()})
    page = Paginator(
        Publication.objects.select_related("inspection", "batch", "published_by")
        .defer("paragraphs", "figures", "rows")
        .order_by("-published_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/publication/list.html",
        {"form": form, "page": page, "can_publish": manages(request.user)},
    )


def _empty_list(request, form: PreviewForm, status: int):
    page = Paginator(Publication.objects.none(), PER_PAGE).get_page(1)
    context = {"form": form, "page": page, "can_publish": manages(request.user)}
    return render(request, "complaints/publication/list.html", context, status=status)


def _preview(request, form: PreviewForm, batch, as_of, region, *, status: int = 200):
    """The preview page: live figures, paragraphs and table of `batch` as of `as_of`."""
    figures = pubs.publication_figures(batch, as_of, region=region)
    existing = pubs.published().filter(batch=batch, as_of=as_of).first()
    context = {
        "form": form,
        "batch": batch,
        "as_of": as_of,
        "region": region,
        "figures": figures,
        "existing": existing,
        "can_publish": manages(request.user) and region is None and existing is None,
        **_document(
            pubs.title_from(figures, _lang()),
            pubs.paragraphs_from(figures, _lang()),
            pubs.public_rows(batch, as_of, region=region),
            batch.inspection,
            batch.number,
        ),
    }
    return render(request, "complaints/publication/preview.html", context, status=status)


@login_required
def preview(request):
    _require_read(request.user)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        return _empty_list(request, form, 400)
    data = form.cleaned_data
    return _preview(request, form, data["batch"], data["as_of"], data["region"])


@login_required
@require_POST
def publish(request):
    user = request.user
    _require_read(user)
    if not manages(user):
        raise PermissionDenied
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return _empty_list(request, form, 422)
    batch, as_of = form.cleaned_data["batch"], form.cleaned_data["as_of"]
    try:
        pub = pubs.check_publish(batch, as_of, actor=user)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _preview(request, form, batch, as_of, None, status=422)
    messages.success(request, _("Published on the public portal."))
    return redirect("complaints_pub:detail", pk=pub.pk)


def _detail_context(request, pub: Publication, withdraw_form: WithdrawForm | None = None):
    paragraphs = pub.paragraphs if _lang() == "zh" else pubs.paragraphs_from(pub.figures, "en")
    title = pub.title if _lang() == "zh" else pubs.title_from(pub.figures, "en")
    may_withdraw = manages(request.user) and pub.withdrawn_at is None
    return {
        "pub": pub,
        "withdraw_form": (withdraw_form or WithdrawForm()) if may_withdraw else None,
        **_document(title, paragraphs, pub.rows, pub.inspection, pub.batch.number),
    }


def _publication(pk: int) -> Publication:
    return get_object_or_404(
        Publication.objects.select_related("inspection", "batch", "published_by"), pk=pk
    )


@login_required
def detail(request, pk: int):
    _require_read(request.user)
    pub = _publication(pk)
    return render(request, "complaints/publication/detail.html", _detail_context(request, pub))


@login_required
@require_POST
def withdraw(request, pk: int):
    user = request.user
    _require_read(user)
    pub = _publication(pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            pubs.check_withdraw_publication(pub, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The publication was withdrawn from the portal."))
            return redirect("complaints_pub:detail", pk=pub.pk)
    return render(
        request,
        "complaints/publication/detail.html",
        _detail_context(request, pub, form),
        status=422,
    )


def _file(pub: Publication, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        body, content_type = pubs.publication_xlsx(pub), pubs.XLSX_CONTENT_TYPE
    else:
        body, content_type = pubs.publication_docx(pub), pubs.DOCX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{pubs.filename(pub, fmt)}"'
    return response


@login_required
def download(request, pk: int, fmt: str):
    _require_read(request.user)
    return _file(_publication(pk), fmt)
