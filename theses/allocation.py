"""The allocation core: students to thesis projects, without Django.

Pure Python, NumPy and OR-Tools, so `bench/theses_allocation.py` can time it
directly and the tests can compare it with brute force. `theses.services` maps
database rows to indices (sorted by id, so the same rows always give the same
instance) and back. Everything here is described in `docs/theses.md`.

Two objectives:

- `MIN_COST`: place as many students as possible and, among those allocations,
  minimise the total rank cost (a 1st choice costs 1, a 5th costs 5). Solved
  exactly as a min-cost max-flow with OR-Tools' `SimpleMinCostFlow`
  (source → student → project → supervisor → sink).
- `STABLE`: the student-optimal stable matching where supervisors rank
  students: algorithm SPA-student of Abraham, Irving and Manlove, "Two
  algorithms for the Student-Project Allocation problem", Journal of Discrete
  Algorithms 5(1), 2007. Linear in the total length of the preference lists
  (plus a log factor for the heaps that find a project's worst student).

Team sizes are a post-pass for both: a project whose number of students
cannot be split into its teams (fewer than the minimum team size, or in a gap
such as 5 students for at most two teams of 3 to 4) has its capacity lowered to
the largest size that can, or is closed, and the solver runs again. Capacities
only fall, so this ends; it is a heuristic, because allocation with "either
none or at least k" quotas is NP-hard in general.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

MIN_COST = "min_cost"
STABLE = "stable"
OBJECTIVES = (MIN_COST, STABLE)

# Why a student could not be placed.
NO_CHOICES = "no_choices"
CHOICES_FULL = "choices_full"


@dataclass
class Instance:
    """An allocation problem by index. Lists are indexed by student, project or supervisor.

    `student_prefs[s]`: project indices, best first, no repeats.
    `project_capacity[j]`: most students project j takes.
    `project_supervisor[j]`: the supervisor index offering project j.
    `supervisor_capacity[k]`: most students supervisor k takes over all projects.
    `team_min[j]`, `team_max[j]`, `max_teams[j]`: team sizes (default: anyone alone).
    `supervisor_prefs[k]`: student indices best first (STABLE only). Students a
    supervisor did not rank follow those ranked, ordered by how highly they
    ranked one of the supervisor's projects, then by index.
    """

    student_prefs: Sequence[Sequence[int]]
    project_capacity: Sequence[int]
    project_supervisor: Sequence[int]
    supervisor_capacity: Sequence[int]
    team_min: Sequence[int] | None = None
    team_max: Sequence[int] | None = None
    max_teams: Sequence[int] | None = None
    supervisor_prefs: Sequence[Sequence[int]] | None = None
    # Mutual teammate wishes: pairs (a, b) of students who named each other.
    teammate_pairs: Sequence[tuple[int, int]] | None = None

    @property
    def n_students(self):
        return len(self.student_prefs)

    @property
    def n_projects(self):
        return len(self.project_capacity)

    @property
    def n_supervisors(self):
        return len(self.supervisor_capacity)

    def validate(self):
        m, n_sup = self.n_projects, self.n_supervisors
        if len(self.project_supervisor) != m:
            raise ValueError("project_supervisor must have one entry per project")
        for s, prefs in enumerate(self.student_prefs):
            if len(set(prefs)) != len(prefs):
                raise ValueError(f"student {s} ranks a project twice")
            for j in prefs:
                if not 0 <= j < m:
                    raise ValueError(f"student {s} ranks unknown project {j}")
        for j, k in enumerate(self.project_supervisor):
            if not 0 <= k < n_sup:
                raise ValueError(f"project {j} has unknown supervisor {k}")
        if any(c < 0 for c in self.project_capacity) or any(c < 0 for c in self.supervisor_capacity):
            raise ValueError("capacities cannot be negative")
        for a, b in self.teammate_pairs or ():
            if a == b or not (0 <= a < self.n_students and 0 <= b < self.n_students):
                raise ValueError(f"teammate pair ({a}, {b}) is not two known students")


@dataclass
class Unplaced:
    student: int
    reason: str
    # For CHOICES_FULL: how many of their choices were full, had a supervisor
    # with no room, or were closed for too few students to form a team.
    full: int = 0
    supervisor_full: int = 0
    closed: int = 0


@dataclass
class Result:
    objective: str
    assignment: list[int]  # project index per student, -1 when not placed
    rank_profile: list[int]  # rank_profile[r] students got their (r+1)th choice
    total_cost: int
    unplaced: list[Unplaced]
    closed_projects: list[int]
    rounds: int
    project_load: list[int] = field(default_factory=list)
    # Mutual teammate wishes: how many pairs, how many ended on the same
    # project, and how many of those the teammate pass moved together.
    teammate_pairs: int = 0
    teammate_pairs_together: int = 0
    teammate_pairs_moved: int = 0

    @property
    def placed(self):
        return sum(1 for j in self.assignment if j >= 0)


# --- Team sizes --------------------------------------------------------------


def team_size_ok(k, team_min, team_max, max_teams):
    """Can k students be split into at most max_teams teams of team_min..team_max?"""
    if k == 0:
        return True
    teams = math.ceil(k / team_max)
    return teams <= max_teams and teams * team_min <= k


def largest_team_size_at_most(k, team_min, team_max, max_teams):
    while k > 0 and not team_size_ok(k, team_min, team_max, max_teams):
        k -= 1
    return k


def _team_params(inst):
    m = inst.n_projects
    cap = inst.project_capacity
    tmin = list(inst.team_min) if inst.team_min is not None else [1] * m
    tmax = list(inst.team_max) if inst.team_max is not None else [max(c, 1) for c in cap]
    teams = list(inst.max_teams) if inst.max_teams is not None else [max(c, 1) for c in cap]
    return tmin, tmax, teams


# --- Objective (a): min-cost max-flow -------------------------------------------


def _solve_min_cost(inst, project_capacity):
    from ortools.graph.python import min_cost_flow

    n, m, n_sup = inst.n_students, inst.n_projects, inst.n_supervisors
    flat, owners, positions, _ = _flatten(inst.student_prefs, n)
    total = flat.size
    if total == 0:
        return [-1] * n
    ranks = positions + 1

    source, sink = 0, 1
    student0, project0, sup0 = 2, 2 + n, 2 + n + m
    tails = np.concatenate([
        np.full(n, source, dtype=np.int64),
        owners + student0,
        np.arange(m, dtype=np.int64) + project0,
        np.arange(n_sup, dtype=np.int64) + sup0,
    ])
    heads = np.concatenate([
        np.arange(n, dtype=np.int64) + student0,
        flat + project0,
        np.asarray(inst.project_supervisor, dtype=np.int64) + sup0,
        np.full(n_sup, sink, dtype=np.int64),
    ])
    caps = np.concatenate([
        np.ones(n + total, dtype=np.int64),
        np.asarray(project_capacity, dtype=np.int64),
        np.asarray(inst.supervisor_capacity, dtype=np.int64),
    ])
    costs = np.concatenate([
        np.zeros(n, dtype=np.int64), ranks, np.zeros(m + n_sup, dtype=np.int64),
    ])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    # solve_max_flow_with_min_cost pushes as much as it can of the supply
    # (one unit per student) to the demand, at the least cost.
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - only on malformed input
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(n, n + total)) > 0
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[owners[used]] = flat[used]
    return assignment.tolist()


# --- Objective (b): SPA-student ----------------------------------------------------


def _flatten(lists, count):
    """Lists of ints → (flat values, owner of each, position within its list, start of each list)."""
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=count)
    total = int(lengths.sum())
    flat = np.fromiter((v for x in lists for v in x), dtype=np.int64, count=total)
    owners = np.repeat(np.arange(count, dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    positions = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    return flat, owners, positions, starts


def supervisor_ranks(inst):
    """rank_of[s][i]: the position of student s in the list of the supervisor
    offering s's i-th choice (lower is better).

    Students a supervisor listed keep their place; the others follow, ordered
    by the best rank they gave to one of that supervisor's projects, then by
    index. Vectorised: one sort over all (supervisor, student) pairs.
    """
    n, n_sup = inst.n_students, inst.n_supervisors
    flat, owners, positions, starts = _flatten(inst.student_prefs, n)
    if flat.size == 0:
        return [[] for _ in range(n)]
    sup = np.asarray(inst.project_supervisor, dtype=np.int64)
    keys = sup[flat] * n + owners  # one key per (supervisor, student) pair

    explicit_keys = np.empty(0, dtype=np.int64)
    explicit_ranks = np.empty(0, dtype=np.int64)
    listed_count = np.zeros(n_sup, dtype=np.int64)
    if inst.supervisor_prefs is not None:
        e_students, e_sup, e_pos, _ = _flatten(inst.supervisor_prefs, n_sup)
        listed_count = np.fromiter((len(x) for x in inst.supervisor_prefs), dtype=np.int64, count=n_sup)
        # np.unique keeps a student's first place if a list names them twice.
        explicit_keys, first = np.unique(e_sup * n + e_students, return_index=True)
        explicit_ranks = e_pos[first]

    # Each pair once, with the best position the student gave the supervisor.
    order = np.lexsort((positions, keys))
    sorted_keys = keys[order]
    first_of_key = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    pair_keys = sorted_keys[first_of_key]
    pair_best = positions[order][first_of_key]
    unlisted = ~np.isin(pair_keys, explicit_keys)
    d_keys, d_best = pair_keys[unlisted], pair_best[unlisted]
    d_sup, d_student = d_keys // n, d_keys % n
    by_group = np.lexsort((d_student, d_best, d_sup))
    group = d_sup[by_group]
    idx = np.arange(group.size)
    group_start = np.maximum.accumulate(np.where(np.r_[True, group[1:] != group[:-1]], idx, 0))
    d_ranks = np.empty(group.size, dtype=np.int64)
    d_ranks[by_group] = idx - group_start + listed_count[group]

    all_keys = np.concatenate([explicit_keys, d_keys])
    all_ranks = np.concatenate([explicit_ranks, d_ranks])
    sort = np.argsort(all_keys, kind="stable")
    ranks = all_ranks[sort][np.searchsorted(all_keys[sort], keys)].tolist()
    bounds = [*starts.tolist(), len(ranks)]
    return [ranks[bounds[s]:bounds[s + 1]] for s in range(n)]


def _solve_spa_student(inst, project_capacity, rank_of):
    n, m, n_sup = inst.n_students, inst.n_projects, inst.n_supervisors
    prefs = inst.student_prefs
    sup = inst.project_supervisor
    pcap = project_capacity
    lcap = inst.supervisor_capacity
    inf = float("inf")
    assigned = [-1] * n
    stamp = [0] * n
    ptr = [0] * n
    pload = [0] * m
    lload = [0] * n_sup
    pheap = [[] for _ in range(m)]
    lheap = [[] for _ in range(n_sup)]
    # Lazy deletion (the paper deletes p from the lists of every successor of
    # p's worst student when p fills): a student ranked below the cut skips it.
    pcut = [inf] * m
    lcut = [inf] * n_sup
    heappush, heappop = heapq.heappush, heapq.heappop

    def worst(heap):
        """The worst live entry of a project's or supervisor's heap, after
        dropping the entries of students who have moved since."""
        while stamp[heap[0][1]] != heap[0][2]:
            heappop(heap)
        return heap[0]

    free = list(range(n - 1, -1, -1))  # lowest index applies first
    while free:
        s = free.pop()
        plist = prefs[s]
        ranks = rank_of[s]
        i = ptr[s]
        length = len(plist)
        while i < length:
            j = plist[i]
            k = sup[j]
            r = ranks[i]
            if pcap[j] > 0 and lcap[k] > 0 and r <= pcut[j] and r <= lcut[k]:
                break
            i += 1
        if i == length:
            ptr[s] = i
            continue
        ptr[s] = i + 1  # if s is ever rejected from j, j is deleted from s's list
        assigned[s] = j
        stamp[s] += 1
        entry = (-r, s, stamp[s])
        heappush(pheap[j], entry)
        heappush(lheap[k], entry)
        pload[j] += 1
        lload[k] += 1
        # Over capacity: the project (or else the supervisor) rejects its worst
        # student, who is on a project of supervisor k either way.
        over = pheap[j] if pload[j] > pcap[j] else lheap[k] if lload[k] > lcap[k] else None
        if over is not None:
            worst(over)
            _, out, _ = heappop(over)
            t = assigned[out]
            assigned[out] = -1
            stamp[out] += 1
            pload[t] -= 1
            lload[k] -= 1
            free.append(out)
        if pload[j] == pcap[j]:
            pcut[j] = min(pcut[j], -worst(pheap[j])[0])
        if lload[k] == lcap[k]:
            lcut[k] = min(lcut[k], -worst(lheap[k])[0])
    return assigned


def blocking_pairs(inst, assignment, project_capacity=None, rank_of=None, limit=None):
    """Pairs (student, project) that block `assignment` in the sense of SPA
    (Abraham, Irving and Manlove 2007, section 2). Empty means stable."""
    cap = project_capacity if project_capacity is not None else inst.project_capacity
    rank_of = rank_of if rank_of is not None else supervisor_ranks(inst)
    sup = inst.project_supervisor
    pload = [0] * inst.n_projects
    lload = [0] * inst.n_supervisors
    pworst = [-1] * inst.n_projects
    lworst = [-1] * inst.n_supervisors
    for s, j in enumerate(assignment):
        if j < 0:
            continue
        r = rank_of[s][list(inst.student_prefs[s]).index(j)]
        k = sup[j]
        pload[j] += 1
        lload[k] += 1
        pworst[j] = max(pworst[j], r)
        lworst[k] = max(lworst[k], r)
    found = []
    for s, prefs in enumerate(inst.student_prefs):
        current = assignment[s]
        for i, j in enumerate(prefs):
            if j == current:
                break  # s prefers nothing below its own project
            k = sup[j]
            r = rank_of[s][i]
            if cap[j] == 0 or inst.supervisor_capacity[k] == 0:
                continue
            p_under = pload[j] < cap[j]
            l_under = lload[k] < inst.supervisor_capacity[k]
            same_supervisor = current >= 0 and sup[current] == k
            if (p_under and l_under) or \
               (p_under and not l_under and (same_supervisor or r < lworst[k])) or \
               (not p_under and r < pworst[j]):
                found.append((s, j))
                if limit and len(found) >= limit:
                    return found
    return found


# --- Driver -------------------------------------------------------------------


def allocate(inst: Instance, objective: str = MIN_COST,
             progress: Callable[[float, str], None] | None = None) -> Result:
    """Allocate, then apply the team-size post-pass; deterministic for a given instance."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    inst.validate()
    report = progress or (lambda fraction, message: None)
    tmin, tmax, teams = _team_params(inst)
    capacity = list(inst.project_capacity)
    # A project can never take more students than its teams hold.
    for j in range(inst.n_projects):
        capacity[j] = largest_team_size_at_most(min(capacity[j], teams[j] * tmax[j]), tmin[j], tmax[j], teams[j])
    closed = {j for j in range(inst.n_projects) if capacity[j] == 0 and inst.project_capacity[j] > 0}
    rank_of = supervisor_ranks(inst) if objective == STABLE else None
    rounds = 0
    while True:
        rounds += 1
        report(min(0.9, 0.1 + 0.2 * rounds), f"Solving (round {rounds})")
        if objective == MIN_COST:
            assignment = _solve_min_cost(inst, capacity)
        else:
            assignment = _solve_spa_student(inst, capacity, rank_of)
        load = [0] * inst.n_projects
        for j in assignment:
            if j >= 0:
                load[j] += 1
        changed = False
        for j, k in enumerate(load):
            if not team_size_ok(k, tmin[j], tmax[j], teams[j]):
                capacity[j] = largest_team_size_at_most(k, tmin[j], tmax[j], teams[j])
                if capacity[j] == 0:
                    closed.add(j)
                changed = True
        if not changed:
            break
    pairs = _mutual_pairs(inst)
    moved = 0
    if pairs:
        report(0.92, "Placing teammates together")
        moved = _teammate_pass(inst, objective, pairs, assignment, capacity, load, tmin, tmax, teams, rank_of)
    report(0.95, "Writing the report")
    result = _result(inst, objective, assignment, capacity, load, sorted(closed), rounds)
    result.teammate_pairs = len(pairs)
    result.teammate_pairs_together = sum(1 for a, b in pairs if assignment[a] >= 0 and assignment[a] == assignment[b])
    result.teammate_pairs_moved = moved
    return result


# --- Teammate wishes: a post-pass -------------------------------------------------


def _mutual_pairs(inst):
    """Each unordered pair once, (lower, higher), sorted: the order the pass visits them."""
    return sorted({(min(a, b), max(a, b)) for a, b in inst.teammate_pairs or () if a != b})


def _teammate_pass(inst, objective, pairs, assignment, capacity, load, tmin, tmax, teams, rank_of):
    """Put mutual teammates on the same project where that costs the objective nothing.

    For each pair (a, b) on different projects, in order, the candidates are:
    b moves to a's project, then a to b's; each either into a free place, or
    by swapping with a student c already there (in index order). A candidate
    is taken only if the mover ranked the project; the project, its team
    sizes and the supervisors' capacities still fit; nobody but the mover
    gets a worse rank, and nobody who was placed loses their place; no pair
    already together is split; and the objective's guarantee still holds:
    MIN_COST: the total rank cost does not rise (so the run is still a
    min-cost allocation with as many placed); STABLE: no blocking pair.
    The first candidate that passes is taken. Changes `assignment` and
    `load` in place; returns how many pairs it put together.
    """
    prefs = inst.student_prefs
    sup = inst.project_supervisor
    position = [{j: i for i, j in enumerate(p)} for p in prefs]
    partner_of = {}
    for a, b in pairs:
        partner_of.setdefault(a, set()).add(b)
        partner_of.setdefault(b, set()).add(a)
    sup_load = [0] * inst.n_supervisors
    on_project = [[] for _ in range(inst.n_projects)]
    for s, j in enumerate(assignment):
        if j >= 0:
            sup_load[sup[j]] += 1
            on_project[j].append(s)

    def cost(s, j):  # rank cost; not placed counts as worse than any choice
        return position[s][j] + 1 if j >= 0 else len(prefs[s]) + 1

    def together(s):  # s is with one of their mutual teammates
        j = assignment[s]
        return j >= 0 and any(assignment[t] == j for t in partner_of.get(s, ()))

    def stable_after(changes):
        old = [(s, assignment[s]) for s, _ in changes]
        for s, j in changes:
            assignment[s] = j
        ok = not blocking_pairs(inst, assignment, capacity, rank_of, limit=1)
        for s, j in old:
            assignment[s] = j
        return ok

    def acceptable(changes):
        delta = sum(cost(s, j) - cost(s, assignment[s]) for s, j in changes)
        if objective == MIN_COST:
            return delta <= 0
        return stable_after(changes)

    def apply(changes):
        for s, _ in changes:
            j = assignment[s]
            if j >= 0:
                on_project[j].remove(s)
                load[j] -= 1
                sup_load[sup[j]] -= 1
        for s, j in changes:
            assignment[s] = j
            on_project[j].append(s)
            load[j] += 1
            sup_load[sup[j]] += 1

    moved = 0
    for a, b in pairs:
        if assignment[a] == assignment[b] and assignment[a] >= 0:
            continue
        done = False
        for mover, other in ((b, a), (a, b)):
            target, source = assignment[other], assignment[mover]
            if target < 0 or target not in position[mover] or together(mover):
                continue
            # Into a free place: the target grows by one, the source shrinks by one.
            fits = (load[target] + 1 <= capacity[target]
                    and team_size_ok(load[target] + 1, tmin[target], tmax[target], teams[target])
                    and (source < 0 or team_size_ok(load[source] - 1, tmin[source], tmax[source], teams[source]))
                    and ((source >= 0 and sup[source] == sup[target])
                         or sup_load[sup[target]] + 1 <= inst.supervisor_capacity[sup[target]]))
            if fits and acceptable([(mover, target)]):
                apply([(mover, target)])
                done = True
                break
            # A swap: loads stay the same; c must have ranked the mover's project
            # and do no worse there.
            if source < 0:
                continue
            for c in sorted(on_project[target]):
                if c in (a, b) or together(c) or source not in position[c]:
                    continue
                if cost(c, source) > cost(c, target):
                    continue
                changes = [(mover, target), (c, source)]
                if acceptable(changes):
                    apply(changes)
                    done = True
                    break
            if done:
                break
        moved += done
    return moved


def _result(inst, objective, assignment, capacity, load, closed, rounds):
    longest = max((len(p) for p in inst.student_prefs), default=0)
    profile = [0] * longest
    total_cost = 0
    sup_load = [0] * inst.n_supervisors
    for s, j in enumerate(assignment):
        if j >= 0:
            r = list(inst.student_prefs[s]).index(j)
            profile[r] += 1
            total_cost += r + 1
            sup_load[inst.project_supervisor[j]] += 1
    closed_set = set(closed)
    unplaced = []
    for s, j in enumerate(assignment):
        if j >= 0:
            continue
        prefs = inst.student_prefs[s]
        if not prefs:
            unplaced.append(Unplaced(s, NO_CHOICES))
            continue
        why = Unplaced(s, CHOICES_FULL)
        for p in prefs:
            k = inst.project_supervisor[p]
            if p in closed_set:
                why.closed += 1
            elif load[p] >= capacity[p]:
                why.full += 1
            elif sup_load[k] >= inst.supervisor_capacity[k]:
                why.supervisor_full += 1
            else:  # SPA: the supervisor preferred the students they have
                why.supervisor_full += 1
        unplaced.append(why)
    return Result(
        objective=objective,
        assignment=list(assignment),
        rank_profile=profile,
        total_cost=total_cost,
        unplaced=unplaced,
        closed_projects=closed,
        rounds=rounds,
        project_load=load,
    )
