"""The public portal: published sign-off notices (销号公示) and objections to them.

No login, no personal data; every view is rate-limited. The portal reads only published
material (signoff.queries.published_notices) and writes only objections, through the
sign-off workflow's own transition (as the public).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.portal.ratelimit import rate_limited
from rectify.signoff import notice
from rectify.signoff.actions import check_transition_application
from rectify.signoff.models import AppState, StepKind
from rectify.signoff.queries import published_notices


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your objection"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Say what is not rectified and where. Do not write names or phone numbers."
        ),
    )


def _published(pk: int):
    application = published_notices().filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@rate_limited(per_minute=60, scope="portal")
def notice_list(request):
    page = Paginator(published_notices().order_by("-notice_start", "-pk"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/notice_list.html", {"page": page})


@rate_limited(per_minute=60, scope="portal")
def notice_detail(request, pk: int):
    application = _published(pk)
    today = timezone.localdate()
    open_for_objection = (
        application.state == AppState.NOTICE
        and application.notice_end is not None
        and application.notice_start <= today <= application.notice_end
    )
    form = ObjectionForm()
    return render(
        request,
        "portal/notice_detail.html",
        {
            "application": application,
            "notice": notice.notice_data(application),
            "form": form,
            "open_for_objection": open_for_objection,
        },
    )


@rate_limited(per_minute=30, scope="portal")
def notice_docx(request, pk: int):
    application = _published(pk)
    response = HttpResponse(notice.notice_docx(application), content_type=notice.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{notice.notice_filename(application)}"'
    )
    return response


@rate_limited(per_minute=5, scope="portal-objection")
def object_to_notice(request, pk: int):
    application = _published(pk)
    if request.method != "POST":
        return redirect("portal:notice", pk=pk)
    form = ObjectionForm(request.POST)
    today = timezone.localdate()
    if form.is_valid():
        if not (
            application.notice_start
            and application.notice_start <= today <= (application.notice_end or today)
        ):
            form.add_error(None, _("This notice is not open for objections."))
        else:
            try:
                check_transition_application(
                    application,
                    StepKind.OBJECT,
                    actor=None,
                    opinion=form.cleaned_data["text"],
                    effective_date=today,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, getattr(exc, "messages", [str(exc)]))
            else:
                messages.success(
                    request, _("Your objection was received; the office will verify it.")
                )
                return redirect("portal:notices")
    return render(
        request,
        "portal/notice_detail.html",
        {
            "application": application,
            "notice": notice.notice_data(application),
            "form": form,
            "open_for_objection": True,
        },
        status=422,
    )
