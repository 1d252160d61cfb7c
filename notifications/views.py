"""Staff outbox, template editor, and a person's own mail. Parse, authorise, call, render."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import require

from . import selectors, services
from .delivery import build_message
from .forms import EmailTemplateForm, OutboundEmailEditForm, OutboxFilterForm
from .models import EmailTemplate, OutboundEmail
from .permissions import can_manage_outbox
from .registry import get_purpose

PAGE_SIZE = 50
State = OutboundEmail.State


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


@require(can_manage_outbox, deny=403)
@require_safe
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    emails = selectors.outbox_list(state=filters.get("state"), purpose=filters.get("purpose"), q=filters.get("q"))
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"email": email, "purpose_label": selectors.purpose_label(email.purpose)} for email in page]
    query = request.GET.copy()
    query.pop("page", None)
    state_links = []
    counts = selectors.outbox_counts()
    for value, label in [("", "All"), *State.choices]:
        link_query = query.copy()
        link_query["state"] = value
        state_links.append(
            {
                "value": value,
                "label": label,
                "count": counts[value or "all"],
                "url": f"?{link_query.urlencode()}",
                "current": (filters.get("state") or "") == value,
            }
        )
    return render(
        request,
        "notifications/outboundemail_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "state_links": state_links,
            "query": query.urlencode(),
            "showing_staged": filters.get("state") == State.STAGED,
            "staged_total": page.paginator.count if filters.get("state") == State.STAGED else 0,
            "health": selectors.outbox_health(),
            "section": "outbox",
        },
    )


@require(can_manage_outbox, deny=403)
@require_safe
def outbox_detail(request, pk):
    email = selectors.outbox_detail(pk)
    return render(
        request,
        "notifications/outboundemail_detail.html",
        {
            "email": email,
            "purpose_label": selectors.purpose_label(email.purpose),
            "attachments": [
                {
                    "index": index,
                    "filename": a["filename"],
                    "mimetype": a["mimetype"],
                    "size": _decoded_size(a["content"]),
                }
                for index, a in enumerate(email.attachments)
            ],
            "health": selectors.outbox_health(),
            "section": "outbox",
        },
    )


def _decoded_size(b64):
    """Bytes the base64 text decodes to, without decoding it."""
    return len(b64) * 3 // 4 - b64[-2:].count("=")


@require(can_manage_outbox, deny=403)
@require_safe
def outbox_attachment(request, pk, index):
    """One attachment of a mail (an .ics, say), as a download: never shown inline."""
    email = get_object_or_404(OutboundEmail.objects.only("attachments"), pk=pk)
    if index >= len(email.attachments):
        raise Http404
    attachment = email.attachments[index]
    response = HttpResponse(
        base64.b64decode(attachment["content"]), content_type=attachment["mimetype"] or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(True, attachment["filename"] or f"attachment-{index}")
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever the type says, the browser runs nothing from it.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require(can_manage_outbox, deny=403)
@require_safe
@xframe_options_sameorigin
def outbox_html(request, pk):
    """The HTML alternative on its own, sandboxed: it may be looked at, never run."""
    email = get_object_or_404(OutboundEmail.objects.only("body_html"), pk=pk)
    if not email.body_html:
        raise Http404
    response = HttpResponse(
        '<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>HTML version</title>'
        f"<body>{email.body_html}</body></html>"
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'self'"
    return response


@require(can_manage_outbox, deny=403)
@require_safe
def outbox_raw(request, pk):
    """The message as it goes over SMTP (headers included), for checking or forwarding."""
    email = get_object_or_404(OutboundEmail, pk=pk)
    response = HttpResponse(build_message(email).message().as_bytes(), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="mail-{email.pk}.eml"'
    return response


def _act(request, pk, action, success):
    email = get_object_or_404(OutboundEmail, pk=pk)
    try:
        action(email=email, by=request.user)
    except services.InvalidTransition:
        messages.error(request, "That could not be done: the email has changed state. Here is where it is now.")
    else:
        messages.success(request, success)
    return redirect("notifications:outbox-detail", pk=pk)


@require(can_manage_outbox, deny=403)
@require_POST
def outbox_release(request, pk):
    return _act(request, pk, services.email_release, "Released: the email is queued and will go in a moment.")


@require(can_manage_outbox, deny=403)
@require_POST
def outbox_discard(request, pk):
    return _act(request, pk, services.email_discard, "Discarded: this email will not be sent.")


@require(can_manage_outbox, deny=403)
@require_POST
def outbox_retry(request, pk):
    return _act(request, pk, services.email_retry, "Queued again: the email will be sent in a moment.")


@require(can_manage_outbox, deny=403)
@require_POST
def outbox_bulk_release(request):
    if request.POST.get("scope") == "all":
        form = OutboxFilterForm(request.POST)
        filters = form.cleaned_data if form.is_valid() else {}
        ids = selectors.outbox_list(state=State.STAGED, purpose=filters.get("purpose"), q=filters.get("q")).values_list(
            "pk", flat=True
        )
    else:
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    if not ids:
        messages.error(request, "Select at least one staged email to release.")
    else:
        count = services.email_bulk_release(ids=ids, by=request.user)
        messages.success(request, f"Released {_plural(count, 'email')}: they are queued and will go in a moment.")
    back = request.POST.get("next", "")
    return redirect(f"{reverse('notifications:outbox')}?{back}" if back else "notifications:outbox")


@require(can_manage_outbox, deny=403)
@require_http_methods(["GET", "POST"])
def outbox_edit(request, pk):
    email = get_object_or_404(OutboundEmail, pk=pk)
    if email.state not in (State.STAGED, State.FAILED):
        messages.error(request, "Only a staged or failed email can be edited.")
        return redirect(email)
    initial = {"to": ", ".join(email.to), "subject": email.subject, "body_text": email.body_text}
    form = OutboundEmailEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_edit(email=email, by=request.user, **form.cleaned_data)
        except services.InvalidTransition:
            messages.error(request, "The email was sent or discarded meanwhile; your changes were not saved.")
        else:
            messages.success(request, "Your changes are saved. The email has not been sent yet.")
        return redirect(email)
    return render(request, "notifications/outboundemail_form.html", {"email": email, "form": form, "section": "outbox"})


@require(can_manage_outbox, deny=403)
@require_safe
def template_list(request):
    return render(
        request, "notifications/emailtemplate_list.html", {"rows": selectors.template_rows(), "section": "templates"}
    )


@require(can_manage_outbox, deny=403)
@require_http_methods(["GET", "POST"])
def template_edit(request, purpose):
    spec = get_purpose(purpose)
    if spec is None:
        raise Http404
    saved = EmailTemplate.objects.filter(purpose=purpose).first()
    instance = saved or EmailTemplate(purpose=purpose, subject=spec.subject, body=spec.body, send_html=spec.html)
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "reset":
        services.template_reset(purpose=purpose, by=request.user)
        messages.success(request, "The template is back to its default text.")
        return redirect("notifications:template-edit", purpose=purpose)
    form = EmailTemplateForm(request.POST or None, instance=instance, purpose=spec)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if action == "save":
            services.template_save(
                purpose=purpose,
                subject=data["subject"],
                body=data["body"],
                send_html=data["send_html"],
                by=request.user,
            )
            messages.success(request, f"Saved. New “{spec.label}” emails use this text from now on.")
            return redirect("notifications:template-edit", purpose=purpose)
        preview = services.template_preview(
            purpose=purpose, subject=data["subject"], body=data["body"], send_html=data["send_html"]
        )
    elif request.method == "GET":
        preview = services.template_preview(
            purpose=purpose, subject=instance.subject, body=instance.body, send_html=instance.send_html
        )
    return render(
        request,
        "notifications/emailtemplate_form.html",
        {
            "purpose": spec,
            "saved": saved,
            "form": form,
            "preview": preview,
            "placeholders": list(spec.placeholders.items()),
            "global_placeholders": [(k, v) for k, v in spec.all_placeholders.items() if k not in spec.placeholders],
            "section": "templates",
        },
    )


# --- A person's own mail (mounted at /accounts/emails/) -----------------------


@login_required
@require_safe
def my_email_list(request):
    page = Paginator(selectors.emails_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/my_email_list.html", {"page": page})


@login_required
@require_safe
def my_email_detail(request, pk):
    email = selectors.email_for_user(request.user, pk)
    return render(request, "notifications/my_email_detail.html", {"email": email})
