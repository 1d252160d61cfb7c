"""An applicant's pages: the application in steps, its documents, the check
page and submission, the status page, withdrawal, the offer and its conditions,
and booking an interview. Views parse, authorise (through selectors that 404),
call a service and render."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import forms, selectors, services
from ..models import (
    Application,
    DocumentKind,
    IntakeQuestion,
    InterviewSlot,
    OfferCondition,
)
from ..steps import BY_SLUG, CHECK, DOCUMENTS, QUESTIONS, REFEREES, document_slots, documents_for_slots, steps_for
from ..steps import step_status as compute_step_status
from ._access import with_upload_limit


@login_required
@require_POST
def application_start(request, slug):
    intake = selectors.intake_by_slug_or_404(slug)
    try:
        application, created = services.application_start(intake=intake, by=request.user)
    except services.IntakeClosed as error:
        messages.error(request, error.message)
        return redirect(intake)
    if created:
        messages.success(request, "Your application is started. Every step saves, so you can come back any time.")
    return redirect(application)


def _step_nav(application, detail):
    rows, all_complete = compute_step_status(application, detail["questions"], detail["documents"])
    return rows, all_complete


def _deadline_passed(application):
    return application.is_draft and timezone.now() > application.intake.closes_at


@login_required
@require_safe
def application_overview(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    detail = selectors.application_detail(application)
    rows, all_complete = _step_nav(application, detail)
    return render(
        request,
        "admissions/application_overview.html",
        {
            "application": application,
            "intake": application.intake,
            "rows": rows,
            "all_complete": all_complete,
            "done_count": sum(1 for _s, done in rows if done),
            "deadline_passed": _deadline_passed(application),
        },
    )


def _build_form(step, application, detail, data=None, draft=False):
    kwargs = {"application": application, "draft": draft, "data": data}
    if step is QUESTIONS:
        return step.form_class(questions=detail["questions"], answers=detail["answers"], **kwargs)
    if step is REFEREES:
        return step.form_class(referees=detail["referees"], **kwargs)
    form_class = step.form_class
    initial = {
        name: getattr(application, name)
        for name in form_class.base_fields
        if hasattr(application, name)
    }
    return form_class(initial=initial, **kwargs)


def _save(step, form, application, version, user, complete):
    common = {"application": application, "complete": complete, "expected_version": version, "by": user}
    if step is QUESTIONS:
        return services.application_save_answers(answers=form.answers(), **common)
    if step is REFEREES:
        return services.application_save_referees(referees=form.referees(), **common)
    return services.application_save_step(step=step.slug, values=form.fields_to_save(), **common)


def _parse_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _neighbours(application, detail, step):
    steps = steps_for(application.intake, detail["questions"])
    index = steps.index(step) if step in steps else len(steps)
    next_step = steps[index + 1] if index + 1 < len(steps) else CHECK
    previous_step = steps[index - 1] if index > 0 else None
    return steps, index, next_step, previous_step


def _step_context(application, detail, step):
    steps, index, next_step, previous_step = _neighbours(application, detail, step)
    rows, _all_complete = _step_nav(application, detail)
    return {
        "application": application,
        "intake": application.intake,
        "step": step,
        "step_number": index + 1,
        "step_total": len(steps) + 1,
        "rows": rows,
        "next_step": next_step,
        "previous_step": previous_step,
        "deadline_passed": _deadline_passed(application),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def application_step(request, pk, step):
    application = selectors.application_for_owner_or_404(request.user, pk)
    detail = selectors.application_detail(application)
    step_obj = BY_SLUG.get(step)
    if step_obj is None or step_obj not in steps_for(application.intake, detail["questions"]):
        raise Http404
    if application.is_locked:
        messages.info(request, services.ApplicationLocked.message)
        return redirect("admissions:status")
    if step_obj is DOCUMENTS:
        if request.method == "POST":
            raise Http404
        return _documents_page(request, application, detail)
    draft = "save_draft" in request.POST
    form = _build_form(step_obj, application, detail, data=request.POST if request.method == "POST" else None,
                       draft=draft)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            _save(step_obj, form, application, _parse_version(request), request.user, complete=not draft)
        except services.StaleVersion:
            conflict = True
            application.refresh_from_db()
        except services.ApplicationLocked as error:
            messages.info(request, error.message)
            return redirect("admissions:status")
        else:
            if draft:
                messages.success(
                    request, f"“{step_obj.title}” is saved. You can come back to it any time, from any device."
                )
                return redirect(application)
            _steps, _index, next_step, _previous = _neighbours(application, detail, step_obj)
            return redirect(_step_url(application, next_step))
    context = _step_context(application, detail, step_obj)
    context.update({"form": form, "version": application.version, "conflict": conflict})
    return render(request, step_obj.template, context)


def _step_url(application, step):
    if step is CHECK:
        return reverse("admissions:application-check", args=[application.pk])
    return reverse("admissions:application-step", args=[application.pk, step.slug])


def _documents_page(request, application, detail, failed_slot=None, failed_form=None, status=200):
    slots = document_slots(application.intake, detail["questions"])
    filled = documents_for_slots(slots, detail["documents"])
    rows = []
    for slot in slots:
        if failed_form is not None and slot.key == failed_slot:
            form = failed_form
        else:
            form = forms.DocumentUploadForm(kinds=[], prefix=slot.key, initial={"kind": slot.key})
        rows.append({"slot": slot, "document": filled[slot.key], "form": form})
    context = _step_context(application, detail, DOCUMENTS)
    context.update({"slots": rows, "version": application.version, "upload_error": failed_form is not None})
    if failed_form is not None:
        context["form"] = failed_form
    return render(request, DOCUMENTS.template, context, status=status)


@with_upload_limit
@login_required
@require_POST
def document_upload(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    detail = selectors.application_detail(application)
    if application.is_locked:
        messages.info(request, services.ApplicationLocked.message)
        return redirect("admissions:status")
    slots = {slot.key: slot for slot in document_slots(application.intake, detail["questions"])}
    slot = slots.get(request.POST.get("slot", ""))
    if slot is None:
        raise Http404
    form = forms.DocumentUploadForm(
        request.POST, request.FILES, kinds=[], prefix=slot.key, request=_prefixed(request, slot.key)
    )
    form.fields["kind"].required = False
    if form.is_valid():
        document = services.document_add(
            application=application, kind=slot.kind, file=form.cleaned_data["file"], by=request.user,
            question=slot.question,
        )
        messages.success(request, f"{slot.label} uploaded: {document.original_name}")
        return redirect("admissions:application-step", pk=application.pk, step=DOCUMENTS.slug)
    return _documents_page(request, application, detail, failed_slot=slot.key, failed_form=form)


class _PrefixedRequest:
    def __init__(self, names):
        self.upload_too_large = names


def _prefixed(request, prefix):
    """The upload handler records field names with their form prefix; the form wants them without."""
    names = getattr(request, "upload_too_large", set())
    return _PrefixedRequest({name.removeprefix(f"{prefix}-") for name in names})


@login_required
@require_POST
def document_delete(request, pk):
    document = selectors.document_or_404(request.user, pk)
    application = document.application
    if not (application.applicant_id == request.user.pk):
        raise Http404
    try:
        services.document_delete(document=document, by=request.user)
    except services.AdmissionsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Removed {document.original_name}")
    if document.kind == DocumentKind.EVIDENCE:
        return redirect("admissions:offer", pk=application.pk)
    return redirect("admissions:application-step", pk=application.pk, step=DOCUMENTS.slug)


@never_cache
@login_required
@require_safe
def document_download(request, pk):
    document = selectors.document_or_404(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.download_name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _check_context(request, application, form=None, error=None):
    detail = selectors.application_detail(application)
    rows, all_complete = _step_nav(application, detail)
    notice = selectors.current_privacy_notice()
    if form is None:
        form = forms.DeclarationForm(initial={"notice_version": notice.version if notice else ""})
    answers = []
    for question in detail["questions"]:
        if question.kind == IntakeQuestion.Kind.FILE:
            continue
        answer = detail["answers"].get(question.pk)
        value = ""
        if answer is not None:
            value = ", ".join(answer.selected) if answer.selected else answer.text
        answers.append((question, value))
    slots = document_slots(application.intake, detail["questions"])
    filled = documents_for_slots(slots, detail["documents"])
    return {
        "application": application,
        "intake": application.intake,
        "rows": rows,
        "all_complete": all_complete,
        "missing": [step for step, done in rows if not done],
        "referees": detail["referees"],
        "answers": answers,
        "documents": [(slot, filled[slot.key]) for slot in slots],
        "languages": [
            (item["language"], forms.LEVEL_LABELS.get(item["level"], item["level"])) for item in application.languages
        ],
        "notice": notice,
        "form": form,
        "error": error,
        "deadline_passed": _deadline_passed(application),
        "step_number": len(rows) + 1,
        "step_total": len(rows) + 1,
        "step": CHECK,
    }


@never_cache
@login_required
@require_safe
def application_check(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    if application.is_locked:
        return redirect("admissions:status")
    return render(request, "admissions/application_check.html", _check_context(request, application))


@login_required
@require_POST
def application_submit(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    form = forms.DeclarationForm(request.POST)
    if not form.is_valid():
        if application.is_locked:
            return redirect("admissions:status")
        return render(
            request, "admissions/application_check.html", _check_context(request, application, form=form), status=400
        )
    notice = selectors.current_privacy_notice()
    if notice is None or form.cleaned_data["notice_version"] != notice.version:
        form.add_error(None, "The privacy notice has changed since you opened this page: read it again and confirm.")
        form.data = form.data.copy()
        form.data["notice_version"] = notice.version if notice else ""
        return render(
            request, "admissions/application_check.html", _check_context(request, application, form=form), status=400
        )
    try:
        application, submitted_now = services.application_submit(
            application=application, by=request.user, privacy_notice=notice, declaration=True
        )
    except services.AdmissionsError as error:
        return render(
            request,
            "admissions/application_check.html",
            _check_context(request, application, form=form, error=error.message),
            status=409,
        )
    if submitted_now:
        names = " and ".join(r.name for r in application.referees.order_by("order"))
        messages.success(
            request,
            f"Application submitted. We have sent a confirmation to {request.user.email}. "
            f"References are requested from {names}.",
        )
    return redirect("admissions:status")


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    if not application.can_withdraw or application.state == Application.State.WITHDRAWN:
        messages.info(request, "This application cannot be withdrawn.")
        return redirect("admissions:status")
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.application_withdraw(application=application, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"You have withdrawn your application for {application.intake.title}.")
        return redirect("admissions:status")
    return render(request, "admissions/application_withdraw.html", {"application": application, "form": form})


@never_cache
@login_required
@require_safe
def status(request):
    applications = list(selectors.applications_for_applicant(request.user))
    for application in applications:
        referees = list(application.referees.all())
        application.received_count = sum(1 for r in referees if r.received_at)
        application.referee_list = referees
        application.decision = application.released_decisions[0] if application.released_decisions else None
    return render(request, "admissions/status.html", {"applications": applications, "now": timezone.now()})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def offer(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    current = selectors.current_offer_or_404(request.user, application)
    form = forms.OfferResponseForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.offer_respond(offer=current, accept=accept, by=request.user)
        except services.AdmissionsError as exc:
            error = exc.message
        else:
            if accept:
                messages.success(request, "You have accepted your offer. Congratulations!")
            else:
                messages.success(request, "You have declined your offer. Thank you for telling us.")
            return redirect("admissions:offer", pk=application.pk)
    return _offer_page(request, application, current, form=form, error=error)


def _offer_page(request, application, current, form=None, error=None, evidence_forms=None, status=200):
    evidence_forms = evidence_forms or {}
    conditions = [
        (condition, evidence_forms.get(condition.pk) or forms.EvidenceForm(prefix=f"c{condition.pk}"))
        for condition in current.conditions.all()
    ]
    return render(
        request,
        "admissions/offer.html",
        {
            "application": application,
            "intake": application.intake,
            "offer": current,
            "decision": current.decision,
            "conditions": conditions,
            "form": form or forms.OfferResponseForm(),
            "answerable": current.is_answerable(),
            "respond_by_words": _words(current.respond_by, application),
            "error": error,
        },
        status=status,
    )


def _words(moment, application):
    from ..models import moment_in_words

    return moment_in_words(moment, application.intake.programme.timezone)


@with_upload_limit
@login_required
@require_POST
def condition_evidence(request, pk, condition_pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    current = selectors.current_offer_or_404(request.user, application)
    condition = current.conditions.filter(pk=condition_pk).first()
    if condition is None:
        raise Http404
    prefix = f"c{condition.pk}"
    form = forms.EvidenceForm(request.POST, request.FILES, prefix=prefix, request=_prefixed(request, prefix))
    if form.is_valid() and condition.status == OfferCondition.Status.OUTSTANDING:
        try:
            services.document_add(
                application=application, kind=DocumentKind.EVIDENCE, file=form.cleaned_data["file"],
                by=request.user, condition=condition,
            )
        except services.AdmissionsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Evidence uploaded for “{condition.text}”. We will check it and tell you.")
        return redirect("admissions:offer", pk=application.pk)
    return _offer_page(request, application, current, evidence_forms={condition.pk: form}, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def interview_book(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    decision = selectors.interview_decision(application)
    if decision is None:
        raise Http404
    now = timezone.now()
    booked = InterviewSlot.objects.filter(application=application).select_related("intake__programme").first()
    slots = InterviewSlot.objects.filter(intake=application.intake, starts_at__gt=now).filter(
        application__isnull=True
    ).select_related("intake__programme") | InterviewSlot.objects.filter(application=application).select_related(
        "intake__programme"
    )
    form = forms.BookSlotForm(request.POST or None, slots=slots.order_by("starts_at"),
                                     initial={"slot": booked})
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_book(application=application, slot=form.cleaned_data["slot"], by=request.user)
        except services.AdmissionsError as error:
            form.add_error("slot", error.message)
        else:
            messages.success(request, "Your interview is booked. We look forward to meeting you.")
            return redirect("admissions:interview-book", pk=application.pk)
    return render(
        request, "admissions/review/interview_book.html",
        {"application": application, "intake": application.intake, "decision": decision, "booked": booked,
         "form": form},
        status=400 if request.method == "POST" else 200,
    )
