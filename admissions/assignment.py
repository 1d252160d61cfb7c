"""The automatic reviewer assignment, as a pure function.

Each application needs k reviewers. Applications are taken in id order; each
takes the k least-loaded eligible reviewers from a heap keyed by (load,
reviewer id), so loads stay within one of each other wherever conflicts allow,
and the same input always gives the same output. A reviewer is ineligible for
an application when already assigned to it, conflicted with it, one of its
referees, or its applicant.

10,000 applications, 40 reviewers, k=3: about 30,000 heap pops and pushes,
well under a second.
"""

import heapq
from dataclasses import dataclass, field


@dataclass
class Plan:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (application id, reviewer id)
    short: dict[int, int] = field(default_factory=dict)  # application id -> reviewers still missing
    loads: dict[int, int] = field(default_factory=dict)  # reviewer id -> load after the plan


def plan_assignment(*, applications, reviewers, k, assigned=None, excluded=None, loads=None):
    """Plan new (application, reviewer) pairs.

    `applications`: application ids. `reviewers`: reviewer ids. `assigned`:
    {application id: set of reviewer ids already assigned}. `excluded`:
    {application id: set of reviewer ids who may not review it}. `loads`:
    {reviewer id: assignments they already have}; missing means 0.
    """
    assigned = assigned or {}
    excluded = excluded or {}
    loads = {rid: (loads or {}).get(rid, 0) for rid in reviewers}
    heap = [(load, rid) for rid, load in loads.items()]
    heapq.heapify(heap)
    plan = Plan()
    for app_id in sorted(applications):
        have = assigned.get(app_id, set())
        need = k - len(have)
        if need <= 0:
            continue
        blocked = excluded.get(app_id, set())
        taken, skipped = [], []
        while heap and len(taken) < need:
            load, rid = heapq.heappop(heap)
            if rid in have or rid in blocked:
                skipped.append((load, rid))
            else:
                taken.append((load, rid))
        for load, rid in taken:
            plan.pairs.append((app_id, rid))
            heapq.heappush(heap, (load + 1, rid))
            loads[rid] = load + 1
        for entry in skipped:
            heapq.heappush(heap, entry)
        if len(taken) < need:
            plan.short[app_id] = need - len(taken)
    plan.loads = loads
    return plan
