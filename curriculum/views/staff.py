"""The staff area for the catalogue: modules (draft, preview, publish, history),
offerings rolled forward, programmes' credit checks, the search's synonyms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import require

from .. import permissions, rules, selectors, services
from ..diff import diff_snapshots
from ..forms import (
    AssessmentFormSet,
    ModuleForm,
    OutcomeFormSet,
    RollForwardForm,
    SearchSynonymForm,
    StaffModuleFilterForm,
)
from ..models import Module, ModuleRevision, Programme, PublicationStatus, SearchSynonym
from ..snapshots import snapshot_of, view_from_snapshot, working_snapshot
from .public import module_page_context

STAFF_PAGE_SIZE = 50


def _module_for_editor(request, pk):
    """Fetch a module this person may edit, or 404 (the view's decorator has let them into the staff area)."""
    module = get_object_or_404(Module.objects.select_related("leader"), pk=pk)
    if not permissions.can_edit_module(request.user, module):
        raise Http404("No such module")
    return module


@require(permissions.can_use_module_staff_area, deny=403)
@require_safe
def module_list(request):
    user = request.user
    programmes = list(Programme.objects.values_list("slug", "title"))
    form = StaffModuleFilterForm(request.GET or None, programmes=programmes)
    modules = Module.objects.select_related("leader").defer("search_vector", "description").order_by("code")
    if not permissions.can_edit_all_modules(user):
        modules = modules.filter(leader=user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            modules = modules.filter(Q(code__icontains=data["q"]) | Q(title__icontains=data["q"]))
        if data["status"] == "changes":
            modules = modules.filter(status=PublicationStatus.PUBLISHED, pending__isnull=False)
        elif data["status"]:
            modules = modules.filter(status=data["status"])
        if data["programme"]:
            modules = modules.filter(placements__programme__slug=data["programme"])
        if data["mine"]:
            modules = modules.filter(leader=user)
    page = Paginator(modules, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "curriculum/staff/module_list.html", {
        "filter_form": form, "page": page, "filters_query": params.urlencode(),
        "can_create": permissions.can_create_module(user),
        "can_roll_forward": permissions.can_roll_offerings_forward(user),
        "can_edit_programmes": permissions.can_edit_programmes(user),
        "can_edit_synonyms": permissions.can_edit_search_synonyms(user),
    })


def _initial_from_snapshot(data, version):
    return {
        "code": data["code"], "title": data["title"], "slug": data["slug"], "summary": data["summary"],
        "description": data["description"], "credits": data["credits"], "level": data["level"],
        "leader": data["leader_id"], "themes": data["theme_ids"], "prerequisites": data["prerequisite_ids"],
        "version": version,
    }


def _snapshot_from_forms(form, outcomes, assessments):
    data = form.cleaned_data
    return {
        "code": data["code"], "title": data["title"], "slug": data["slug"], "summary": data["summary"],
        "description": data["description"], "credits": data["credits"], "level": data["level"],
        "leader_id": data["leader"].pk if data.get("leader") else None,
        "outcomes": outcomes.texts(),
        "assessments": assessments.items(),
        "prerequisite_ids": sorted(m.pk for m in data["prerequisites"]),
        "theme_ids": sorted(t.pk for t in data["themes"]),
    }


def _with_extra_row(post):
    """The "Add another" buttons work without JavaScript: one more empty row."""
    data = post.copy()
    for prefix in ("outcomes", "assessments"):
        if f"add_{prefix}" in post:
            key = f"{prefix}-TOTAL_FORMS"
            data[key] = str(int(data.get(key) or 0) + 1)
    return data


def _numbered(outcomes, assessments):
    """Label each row with its number, so that a screen reader hears "Outcome 2", not the same label again."""
    for number, row in enumerate(outcomes.forms, start=1):
        row.fields["text"].label = f"Outcome {number}"
    for number, row in enumerate(assessments.forms, start=1):
        row.fields["title"].label = f"Component {number}"
    return outcomes, assessments


def _editor_forms(request, *, instance, snapshot=None, version=None):
    if request.method == "POST":
        data = _with_extra_row(request.POST)
        return (
            ModuleForm(data, instance=instance, user=request.user),
            *_numbered(OutcomeFormSet(data, prefix="outcomes"), AssessmentFormSet(data, prefix="assessments")),
        )
    initial = _initial_from_snapshot(snapshot, version) if snapshot else {"level": 7, "credits": 15}
    return (
        ModuleForm(instance=instance, initial=initial, user=request.user),
        *_numbered(
            OutcomeFormSet(prefix="outcomes", initial=[{"text": t} for t in (snapshot or {}).get("outcomes", [])]),
            AssessmentFormSet(prefix="assessments", initial=(snapshot or {}).get("assessments", [])),
        ),
    )


def _forms_valid(form, outcomes, assessments):
    valid = all([form.is_valid(), outcomes.is_valid(), assessments.is_valid()])
    for formset, name in ((outcomes, "Learning outcomes"), (assessments, "Assessment")):
        for error in formset.non_form_errors():
            form.add_error(None, f"{name}: {error}")
        if any(formset.errors):
            form.add_error(None, f"{name}: check the rows marked below.")
    return valid and not form.errors


def _adding_row(request):
    return request.method == "POST" and ("add_outcomes" in request.POST or "add_assessments" in request.POST)


@require(permissions.can_use_module_staff_area, deny=403)
@require(permissions.can_create_module, deny=403)
@require_http_methods(["GET", "POST"])
def module_create(request):
    form, outcomes, assessments = _editor_forms(request, instance=Module())
    if request.method == "POST" and not _adding_row(request) and _forms_valid(form, outcomes, assessments):
        try:
            module = services.module_create(data=_snapshot_from_forms(form, outcomes, assessments), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{module.code} {module.title} is saved as a draft. "
                                      "Nobody outside staff can see it until you publish it.")
            return redirect("curriculum:staff-module-detail", pk=module.pk)
    return render(request, "curriculum/staff/module_form.html", {
        "form": form, "outcomes": outcomes, "assessments": assessments, "module": None,
    })


@require(permissions.can_use_module_staff_area, deny=403)
@require_http_methods(["GET", "POST"])
def module_edit(request, pk):
    module = _module_for_editor(request, pk)
    instance = Module.objects.get(pk=module.pk)  # the form may change this copy; never saved
    form, outcomes, assessments = _editor_forms(
        request, instance=instance, snapshot=working_snapshot(module), version=module.version
    )
    conflict = None
    if request.method == "POST" and not _adding_row(request) and _forms_valid(form, outcomes, assessments):
        data = _snapshot_from_forms(form, outcomes, assessments)
        try:
            services.module_save_draft(
                module=module, data=data, expected_version=form.cleaned_data.get("version") or 0, by=request.user
            )
            if "publish" in request.POST:
                services.module_publish(module=module, by=request.user)
        except services.EditConflict as error:
            conflict = {
                "latest": error.latest,
                "their_changes": diff_snapshots(error.base, error.current),
                "yours_vs_current": diff_snapshots(error.current, data),
            }
            form.add_error(None, "Someone else saved this module while you were editing. "
                                 "Your changes are not saved yet: check theirs below, then save again.")
            # Saving again now means: I have seen their changes.
            form.data = form.data.copy()
            form.data["version"] = str(Module.objects.values_list("version", flat=True).get(pk=module.pk))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "publish" in request.POST:
                messages.success(request, "Saved and published. The public page now shows these changes.")
            elif module.status == PublicationStatus.PUBLISHED:
                messages.success(request, "Saved as a draft. The public page shows the published version "
                                          "until you publish these changes.")
            else:
                messages.success(request, "Saved. This module is a draft: publish it to show it on the site.")
            return redirect("curriculum:staff-module-detail", pk=module.pk)
    return render(request, "curriculum/staff/module_form.html", {
        "form": form, "outcomes": outcomes, "assessments": assessments, "module": module, "conflict": conflict,
    })


@require(permissions.can_use_module_staff_area, deny=403)
@require_safe
def module_detail(request, pk):
    module = _module_for_editor(request, pk)
    published = snapshot_of(module)
    pending_changes = diff_snapshots(published, module.pending) if module.pending is not None else []
    revisions = list(module.revisions.select_related("author").order_by("-number")[:5])
    return render(request, "curriculum/staff/module_detail.html", {
        "module": module, "pending_changes": pending_changes, "revisions": revisions,
        "working": working_snapshot(module),
    })


@require(permissions.can_use_module_staff_area, deny=403)
@require_safe
def module_preview(request, pk):
    module = _module_for_editor(request, pk)
    view = view_from_snapshot(module, working_snapshot(module))
    placements = list(module.placements.select_related("programme"))
    context = {
        "module": view.module,
        "outcomes": view.outcomes,
        "assessments": view.assessments,
        "prerequisites": view.prerequisites,
        "required_by": list(module.required_by.order_by("code")),
        "themes": view.themes,
        "placements": placements,
        "academic_year": selectors.current_academic_year(),
    }
    context["offering"] = selectors.offering_for_year(module, context["academic_year"])
    context = module_page_context(request, context, preview=True)
    context["staff_module"] = module
    return render(request, "curriculum/module_detail.html", context)


def _act(request, pk, action, done):
    module = _module_for_editor(request, pk)
    try:
        action(module=module, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("curriculum:staff-module-detail", pk=module.pk)


@require(permissions.can_use_module_staff_area, deny=403)
@require_POST
def module_publish(request, pk):
    return _act(request, pk, services.module_publish, "Published. The public page now shows this version.")


@require(permissions.can_use_module_staff_area, deny=403)
@require_POST
def module_unpublish(request, pk):
    return _act(request, pk, services.module_unpublish,
                "Unpublished. The module is no longer on the public site; its page answers “not found”.")


@require(permissions.can_use_module_staff_area, deny=403)
@require_POST
def module_discard(request, pk):
    return _act(request, pk, services.module_discard_draft,
                "Your unpublished changes are discarded. The editor shows the published version again.")


@require(permissions.can_use_module_staff_area, deny=403)
@require_safe
def module_history(request, pk):
    module = _module_for_editor(request, pk)
    revisions = list(module.revisions.select_related("author").order_by("-number"))
    by_number = {r.number: r for r in revisions}

    def pick(name, default):
        try:
            return by_number.get(int(request.GET.get(name, "")), default)
        except ValueError:
            return default

    newer = pick("to", revisions[0] if revisions else None)
    # By default, compare with the last version whose content differs (publishing copies content).
    default_older = next((r for r in revisions if newer and r.number < newer.number
                          and r.snapshot != newer.snapshot), None)
    older = pick("from", default_older)
    if newer and older and older.number > newer.number:
        older, newer = newer, older
    changes = diff_snapshots(older.snapshot if older else None, newer.snapshot) if newer else []
    return render(request, "curriculum/staff/module_history.html", {
        "module": module, "revisions": revisions, "older": older, "newer": newer, "changes": changes,
    })


@require(permissions.can_use_module_staff_area, deny=403)
@require_POST
def module_restore(request, pk, number):
    module = _module_for_editor(request, pk)
    revision = get_object_or_404(ModuleRevision, module=module, number=number)
    try:
        services.module_restore(module=module, revision=revision, by=request.user)
    except ValidationError as error:
        messages.error(request, f"Version {number} cannot be restored: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Version {number} is now the working draft. Check it, then publish it "
                                  "to show it on the site.")
    return redirect("curriculum:staff-module-detail", pk=module.pk)


@require(permissions.can_roll_offerings_forward, deny=403)
@require_http_methods(["GET", "POST"])
def offering_roll_forward(request):
    form = RollForwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.offerings_roll_forward(
                from_year=form.cleaned_data["from_year"], to_year=form.cleaned_data["to_year"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            text = (f"{len(result.created)} offerings planned in {form.cleaned_data['to_year']}; "
                    f"{len(result.skipped)} were already there.")
            if result.missing_terms:
                text += (f" {len(result.missing_terms)} could not be copied because "
                         f"{form.cleaned_data['to_year']} has no matching term: add its terms first.")
            messages.success(request, text)
            return redirect(reverse("curriculum:staff-offering-roll-forward"))
    return render(request, "curriculum/staff/roll_forward.html", {"form": form})


@require(permissions.can_edit_programmes, deny=403)
@require_safe
def programme_list(request):
    programmes = list(Programme.objects.prefetch_related("exit_awards").order_by("order", "title"))
    rows = [{"programme": p, "problems": rules.programme_credit_problems(p)} for p in programmes]
    return render(request, "curriculum/staff/programme_list.html", {"rows": rows})


@require(permissions.can_edit_programmes, deny=403)
@require_POST
def programme_status(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    status = request.POST.get("status")
    if status not in PublicationStatus.values:
        messages.error(request, "Choose publish or unpublish.")
        return redirect("curriculum:staff-programme-list")
    try:
        services.programme_set_status(programme=programme, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, f"{programme.title} cannot be published: {' '.join(error.messages)}")
    else:
        messages.success(request, f"{programme.title} is now {programme.get_status_display().lower()}.")
    return redirect("curriculum:staff-programme-list")


# --- Search synonyms ----------------------------------------------------------------

def _synonym_saved_message(synonym):
    return f"Saved. A search for “{synonym.term}” now also finds {synonym.expansion}."


@require(permissions.can_edit_search_synonyms, deny=403)
@require_safe
def synonym_list(request):
    page = Paginator(selectors.search_synonyms(), STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "curriculum/staff/synonym_list.html", {"page": page})


@require(permissions.can_edit_search_synonyms, deny=403)
@require_http_methods(["GET", "POST"])
def synonym_create(request):
    form = SearchSynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            synonym = services.search_synonym_create(
                term=form.cleaned_data["term"], expansion=form.cleaned_data["expansion"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _synonym_saved_message(synonym))
            return redirect("curriculum:staff-synonym-list")
    return render(request, "curriculum/staff/synonym_form.html", {"form": form, "synonym": None})


@require(permissions.can_edit_search_synonyms, deny=403)
@require_http_methods(["GET", "POST"])
def synonym_edit(request, pk):
    synonym = get_object_or_404(SearchSynonym, pk=pk)
    initial = {"term": synonym.term, "expansion": synonym.expansion, "version": synonym.version}
    form = SearchSynonymForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            synonym = services.search_synonym_update(
                synonym=synonym, term=form.cleaned_data["term"], expansion=form.cleaned_data["expansion"],
                expected_version=form.cleaned_data.get("version") or 0, by=request.user,
            )
        except services.SynonymConflict as error:
            conflict = error.current
            form.add_error(None, "Someone else changed this synonym while you were editing. Your change "
                                 "is not saved: check theirs below, then save again to replace it.")
            # Saving again now means: I have seen their version.
            form.data = form.data.copy()
            form.data["version"] = str(conflict.version)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _synonym_saved_message(synonym))
            return redirect("curriculum:staff-synonym-list")
    return render(request, "curriculum/staff/synonym_form.html", {
        "form": form, "synonym": synonym, "conflict": conflict,
    })


@require(permissions.can_edit_search_synonyms, deny=403)
@require_http_methods(["GET", "POST"])
def synonym_delete(request, pk):
    synonym = get_object_or_404(SearchSynonym, pk=pk)
    if request.method == "POST":
        services.search_synonym_delete(synonym=synonym, by=request.user)
        messages.success(request, f"Deleted. A search for “{synonym.term}” now finds only modules "
                                  f"that use the word itself.")
        return redirect("curriculum:staff-synonym-list")
    return render(request, "curriculum/staff/synonym_confirm_delete.html", {"synonym": synonym})
