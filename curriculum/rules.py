"""Checks that refuse a bad catalogue with a message a person can act on.

Forms call these to show the message beside the field; services call them again
before writing, so a script or a second tab cannot get round them.
"""

from django.db.models import Sum

from .models import Module, ProgrammeModule


def weights_problem(weights):
    """A message if assessment weights do not sum to 100, else None."""
    weights = list(weights)
    if not weights:
        return "Add at least one assessment component."
    total = sum(weights)
    if total != 100:
        return f"Assessment weights must add up to 100%; these add up to {total}%."
    return None


def prerequisite_cycle(module_id, prerequisite_ids):
    """If giving module `module_id` these prerequisites would make a loop, the loop
    as a list of modules (first and last the same), else None. One query."""
    edges = {}
    for from_id, to_id in Module.prerequisites.through.objects.values_list("from_module_id", "to_module_id"):
        edges.setdefault(from_id, set()).add(to_id)
    if module_id is not None:
        edges[module_id] = set(prerequisite_ids)
    else:
        return None  # a new module has nothing requiring it yet
    # Depth-first search from the module along "requires" edges, back to itself.
    stack = [(module_id, [module_id])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == module_id:
                ids = [*path, nxt]
                by_id = Module.objects.in_bulk(set(ids))
                return [by_id[i] for i in ids]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def cycle_message(cycle):
    names = " requires ".join(m.code for m in cycle)
    return f"That would make a loop of prerequisites: {names}. A module cannot depend on itself, even indirectly."


def programme_credit_problems(programme):
    """Messages saying how a programme's credits fail to add up; empty when they do."""
    problems = []
    rows = (
        ProgrammeModule.objects.filter(programme=programme)
        .values("kind")
        .annotate(credits=Sum("module__credits"))
    )
    by_kind = {row["kind"]: row["credits"] or 0 for row in rows}
    core = by_kind.get(ProgrammeModule.Kind.CORE, 0)
    optional_offered = by_kind.get(ProgrammeModule.Kind.OPTIONAL, 0)
    needed = programme.total_credits
    if core + programme.optional_credits != needed:
        problems.append(
            f"Core modules ({core} credits) plus optional choices ({programme.optional_credits} credits) "
            f"make {core + programme.optional_credits} credits, but the {programme.get_award_display()} "
            f"needs {needed}."
        )
    if optional_offered < programme.optional_credits:
        problems.append(
            f"Students must choose {programme.optional_credits} optional credits, "
            f"but the optional modules offer only {optional_offered}."
        )
    for award in programme.exit_awards.all():
        if award.credits_required >= needed:
            problems.append(
                f"The exit award {award.name} needs {award.credits_required} credits, "
                f"which is not less than the programme's {needed}."
            )
    return problems
