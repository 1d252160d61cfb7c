"""Benchmark the thesis allocation core against the `matching` package.

    .venv/bin/python bench/theses_allocation.py            # 5,000 and 20,000 students
    .venv/bin/python bench/theses_allocation.py --sizes 5000 --matching-up-to 5000

For each size it builds one instance (students rank 5 to 10 projects chosen
with Zipf-skewed popularity; supervisors offer 2 to 5 projects each), then
times `theses.allocation.allocate` for both objectives, each in a fresh
process so the peak resident memory it prints is that run's own. It then runs
`matching`'s StudentAllocation (student-optimal, the same problem SPA-student
solves) on the same instance and prints both times and rank profiles; the two
stable matchings must be identical, since the student-optimal stable matching
is unique. No Django: the core is imported directly.

Targets (docs/theses.md): 5,000 students in under 0.5 s and 20,000 in under
1 s for each objective, under 300 MB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from theses.allocation import MIN_COST, STABLE, Instance, allocate, blocking_pairs

SIZES = {5000: 3000, 20000: 12000}
TARGET_SECONDS = {5000: 0.5, 20000: 1.0}
TARGET_MB = 300


def build_instance(n_students, n_projects, seed=2027):
    rng = np.random.default_rng(seed)
    # Supervisors offer 2 to 5 projects each.
    supervisor_of = []
    n_sup = 0
    while len(supervisor_of) < n_projects:
        supervisor_of.extend([n_sup] * int(rng.integers(2, 6)))
        n_sup += 1
    supervisor_of = supervisor_of[:n_projects]
    n_sup = supervisor_of[-1] + 1
    project_capacity = rng.integers(1, 4, size=n_projects).tolist()  # 1 to 3 students
    per_sup = np.zeros(n_sup, dtype=np.int64)
    np.add.at(per_sup, supervisor_of, project_capacity)
    # Supervisors can take 60 to 100% of what their projects offer.
    supervisor_capacity = np.maximum(1, np.ceil(per_sup * rng.uniform(0.6, 1.0, size=n_sup))).astype(int).tolist()
    # Skewed popularity: project j is chosen with weight 1/(rank_j)^0.8.
    weights = 1.0 / np.power(rng.permutation(n_projects) + 1, 0.8)
    weights /= weights.sum()
    student_prefs = []
    for _ in range(n_students):
        k = int(rng.integers(5, 11))
        student_prefs.append(rng.choice(n_projects, size=k, replace=False, p=weights).tolist())
    # Supervisors rank every student who chose one of their projects, in a random order.
    applicants = [set() for _ in range(n_sup)]
    for s, prefs in enumerate(student_prefs):
        for j in prefs:
            applicants[supervisor_of[j]].add(s)
    supervisor_prefs = [rng.permutation(sorted(a)).tolist() for a in applicants]
    return Instance(
        student_prefs=student_prefs,
        project_capacity=project_capacity,
        project_supervisor=supervisor_of,
        supervisor_capacity=supervisor_capacity,
        supervisor_prefs=supervisor_prefs,
    )


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(n_students, objective):
    """In this process: build, time one allocation, print JSON."""
    inst = build_instance(n_students, SIZES[n_students])
    before = peak_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = allocate(inst, objective)
    seconds = time.perf_counter() - started
    out = {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        "peak_mb": peak_mb(),
        "peak_mb_before": before,
        "placed": result.placed,
        "profile": result.rank_profile,
        "cost": result.total_cost,
        "assignment_digest": hash(tuple(result.assignment)) & 0xFFFFFFFF,
    }
    if objective == STABLE:
        out["blocking_pairs"] = len(blocking_pairs(inst, result.assignment, limit=10))
    out["assignment"] = result.assignment
    print(json.dumps(out))


def run_matching(inst):
    import warnings

    from matching.games import StudentAllocation

    # matching warns once per project nobody ranked; thousands of lines of noise here.
    warnings.simplefilter("ignore")
    sys.setrecursionlimit(max(10000, 20 * inst.n_students))
    student_prefs = {f"s{s}": [f"p{j}" for j in prefs] for s, prefs in enumerate(inst.student_prefs)}
    supervisor_prefs = {f"l{k}": [f"s{s}" for s in order] for k, order in enumerate(inst.supervisor_prefs)}
    project_supervisors = {f"p{j}": f"l{k}" for j, k in enumerate(inst.project_supervisor)}
    project_capacities = {f"p{j}": c for j, c in enumerate(inst.project_capacity)}
    supervisor_capacities = {f"l{k}": c for k, c in enumerate(inst.supervisor_capacity)}
    started = time.perf_counter()
    cpu_started = time.process_time()
    game = StudentAllocation.create_from_dictionaries(
        student_prefs, supervisor_prefs, project_supervisors, project_capacities, supervisor_capacities
    )
    matching = game.solve(optimal="student")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    assignment = [-1] * inst.n_students
    for project, students in matching.items():
        for student in students:
            assignment[int(student.name[1:])] = int(project.name[1:])
    longest = max(len(p) for p in inst.student_prefs)
    profile = [0] * longest
    for s, j in enumerate(assignment):
        if j >= 0:
            profile[inst.student_prefs[s].index(j)] += 1
    return seconds, cpu_seconds, profile, assignment


def fmt_profile(profile):
    return " ".join(f"{i + 1}:{c}" for i, c in enumerate(profile))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--matching-up-to", type=int, default=5000,
                        help="run the matching package on sizes up to this (it takes minutes at 20,000)")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "OBJECTIVE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_ours(int(args.one[0]), args.one[1])
        return

    failures = []
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    print(f"load average {load:.1f} on {cores} cores")
    if load > cores:
        print("  the machine is busy: wall times are inflated; the cpu time beside each is this process's own")
    for n in args.sizes:
        m = SIZES[n]
        print(f"\n== {n:,} students, {m:,} projects ==")
        results = {}
        for objective in (MIN_COST, STABLE):
            proc = subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--one", str(n), objective],
                capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            r = json.loads(proc.stdout)
            results[objective] = r
            ok = r["seconds"] < TARGET_SECONDS[n] and r["peak_mb"] < TARGET_MB
            if not ok:
                failures.append(f"{objective} at {n}")
            extra = f", blocking pairs {r['blocking_pairs']}" if objective == STABLE else ""
            print(
                f"ours  {objective:<9} {r['seconds']:7.3f} s (cpu {r['cpu_seconds']:.3f} s)  "
                f"peak {r['peak_mb']:6.1f} MB  "
                f"placed {r['placed']:,}  cost {r['cost']:,}{extra}  "
                f"[{'ok' if ok else 'OVER TARGET'}: < {TARGET_SECONDS[n]} s, < {TARGET_MB} MB]"
            )
            print(f"      profile {fmt_profile(r['profile'])}")
        if n <= args.matching_up_to:
            inst = build_instance(n, m)
            seconds, cpu_seconds, profile, assignment = run_matching(inst)
            same = assignment == results[STABLE]["assignment"]
            print(f"matching (student-optimal) {seconds:7.3f} s (cpu {cpu_seconds:.3f} s)  placed {sum(profile):,}  "
                  f"same matching as ours: {'yes' if same else 'NO'}")
            print(f"      profile {fmt_profile(profile)}")
            if not same:
                failures.append(f"stable matching differs from matching's at {n}")
        else:
            print(f"matching: skipped at {n:,} (raise --matching-up-to to run it)")
    if failures:
        print("\nFAILED: " + "; ".join(failures))
        sys.exit(1)
    print("\nAll targets met.")


if __name__ == "__main__":
    main()
