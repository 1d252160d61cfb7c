"""Demo thesis data: partners, proposals in every state, the current cohort's
preferences, a published allocation, milestones and a finished showcase entry.

Only `manage.py seed_demo` calls this. Safe to run again: rows are found by
slug or email, and the allocation is run and published only once.
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.demo import demo_person
from accounts.roles import Role
from core.access import SYSTEM
from curriculum.models import Cohort, Enrolment
from curriculum.services import student_enrol

from . import services
from .models import (
    AllocationRun,
    Milestone,
    Partner,
    Preference,
    Proposal,
    ShowcaseEntry,
    Submission,
    SupervisorCapacity,
    ThesisRound,
)

User = get_user_model()
LONDON = ZoneInfo("Europe/London")


def at(y, m, d, hh=17, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


PARTNERS = [
    ("riverside-food-bank", "Riverside Food Bank", "charity", "Amira Haddad", "amira@riversidefoodbank.example.org",
     "A volunteer-run food bank serving three wards, with two warehouses and 140 volunteers."),
    ("northgate-borough-council", "Northgate Borough Council", "council", "Gareth Pryce",
     "digital@northgate.example.gov.uk", "A borough council of 180,000 residents with a small in-house digital team."),
    ("clear-water-watch", "Clear Water Watch", "ngo", "Ines Duarte", "ines@clearwaterwatch.example.org",
     "Citizen scientists who test river water and publish what they find."),
    ("office-for-local-statistics", "Office for Local Statistics", "government", "Dr Ravi Menon",
     "ravi.menon@ols.example.gov.uk", "Publishes small-area statistics for local government and the public."),
    ("civic-signal", "Civic Signal Ltd", "company", "Hannah Okoye", "hannah@civicsignal.example.com",
     "A social enterprise that builds SMS services for housing associations."),
    ("centre-for-digital-democracy", "Centre for Digital Democracy", "university", "Prof. Elena Rossi",
     "e.rossi@cdd.example.ac.uk", "A research group in the Department of Politics studying online participation."),
    ("eastfield-youth-trust", "Eastfield Youth Trust", "charity", "Marcus Bell", "marcus@eastfieldyouth.example.org",
     "Youth clubs and mentoring in Eastfield."),
]

# slug, title, partner, supervisor email, capacity, unit, team min, max, final status, problem, tool, who, privacy
PROPOSALS = [
    ("food-bank-stock-tracker", "Food bank stock tracker", "riverside-food-bank", "staff@example.org",
     1, "teams", 2, 3, "open",
     "Volunteers count tins on paper at two warehouses; shortages are found when a family is already waiting.",
     "A phone-friendly stock log with low-stock alerts and a weekly report for the trustees.",
     "Volunteers, and the families who get fuller parcels.",
     "No personal data about clients: stock only. Volunteer log-ins use email addresses, kept for one year."),
    ("fix-my-street-light", "Report a broken street light", "northgate-borough-council", "m.chen@example.org",
     2, "students", 1, 1, "open",
     "Residents phone the council to report broken street lights; calls are logged by hand and often lost.",
     "A map-based reporting form that feeds the council's works queue and tells residents when it is fixed.",
     "Residents, especially older people who walk at night, and the council's street-lighting team.",
     "Reporters may give an email address to hear back; it is deleted when the job closes. Photos are checked "
     "for faces before publishing."),
    ("river-readings-open-data", "River readings as open data", "clear-water-watch", "l.hartley@example.org",
     1, "students", 1, 1, "open",
     "Hundreds of volunteer water tests sit in spreadsheets nobody outside the charity can use.",
     "A small open-data service with an API, a map and a download of every reading with its method.",
     "The public, journalists, and the Environment Agency's local officers.",
     "Volunteers' names are never published; sampling points on private land are blurred to 1 km."),
    ("small-area-stats-explainer", "Explain small-area statistics", "office-for-local-statistics",
     "k.mensah@example.org", 2, "students", 1, 1, "open",
     "Councillors misread small-area statistics, comparing areas whose confidence intervals overlap.",
     "An explainer that shows each figure with its uncertainty in plain words, embeddable in council papers.",
     "Councillors, council officers and residents reading committee papers.",
     "Published aggregate statistics only; small counts are already suppressed at source."),
    ("repair-request-sms", "Repair requests by text message", "civic-signal", "staff@example.org",
     1, "students", 1, 1, "open",
     "Tenants without smartphones cannot use the housing association's repair portal.",
     "An SMS conversation that files a repair request and sends updates, built on the company's gateway.",
     "Tenants, especially older tenants and those with no data plan.",
     "Phone numbers and repair addresses are personal data: stored encrypted, kept 12 months, never shared."),
    ("petition-signature-checker", "Petition signature checker", "centre-for-digital-democracy",
     "m.chen@example.org", 1, "teams", 2, 2, "open",
     "Online petitions are easy to flood with fake signatures; councils have no way to check them fairly.",
     "A privacy-preserving checker that estimates the share of duplicate or implausible signatures.",
     "Councils receiving petitions, and honest petitioners.",
     "Works on hashed addresses only; a data protection impact assessment is part of the project."),
    ("council-minutes-search", "Search council minutes", None, "k.mensah@example.org",
     1, "students", 1, 1, "open",
     "Council minutes are PDFs scattered across years of web pages; residents cannot find what was decided.",
     "A search service over ten years of minutes, with links to the original documents.",
     "Residents, local journalists and councillors.",
     "Minutes are public records; names of members of the public are removed before indexing."),
    ("youth-club-attendance", "Youth club attendance without paper", "eastfield-youth-trust", None,
     1, "students", 1, 1, "submitted",
     "Youth workers keep attendance on paper registers that are hard to total for funders.",
     "A tablet check-in for clubs with monthly totals for funders and no names in the reports.",
     "Youth workers and trustees reporting to funders.",
     "Children's data: names stay on the tablet's local database; reports are counts only."),
    ("bus-stop-accessibility-audit", "Bus stop accessibility audit", None, "l.hartley@example.org",
     2, "students", 1, 1, "approved",
     "Nobody knows which bus stops have step-free access, shelter or seating.",
     "A survey tool volunteers use on their phones, feeding an open map of bus stop accessibility.",
     "Disabled passengers and the transport authority.",
     "Volunteers' locations are not stored beyond the stop they surveyed."),
    ("school-meals-menu-api", "School meals menu API", "northgate-borough-council", "staff@example.org",
     1, "students", 1, 1, "withdrawn",
     "Parents cannot see allergen information for school meals in advance.",
     "An API and a printable menu with allergens, fed by the catering contractor.",
     "Parents of children with allergies.",
     "No personal data."),
]

COMPLETED = ("rent-repair-tracker", "Rent repair tracker", "civic-signal", "staff@example.org",
             "Tenants had no record of repair requests, so disputes ended with the landlord's word against theirs.",
             "A shared log of repair requests with photos, dates and replies that tenants and the landlord both see.",
             "Tenants of two housing associations.",
             "Photos may show people; tenants are asked to avoid faces and can delete any photo.")

NEXT_YEAR = [
    ("flood-warning-sign-up", "Flood warnings people actually get", "northgate-borough-council", "m.chen@example.org",
     2, "students", 1, 1,
     "Residents in flood-risk streets miss warnings because sign-up needs an account with three agencies.",
     "One sign-up page that registers a phone number with every warning service for that street.",
     "Residents of 1,400 homes in flood-risk streets, and the council's emergency planners.",
     "Phone numbers and addresses: shared only with the warning services, deleted on request, "
     "with a privacy notice written for the residents."),
    ("volunteer-rota", "A volunteer rota that fills itself", "riverside-food-bank", "staff@example.org",
     1, "teams", 2, 3,
     "Shift gaps are found the night before; the coordinator phones round for hours.",
     "A rota where volunteers claim shifts by text and gaps are offered to the right people first.",
     "Volunteers, the coordinator, and families who find the doors open.",
     "Volunteers' phone numbers and availability; kept while they volunteer and deleted a year after."),
]

EXTRA_STUDENTS = [
    ("aisha.khan@example.org", "Aisha Khan"), ("ben.oduya@example.org", "Ben Oduya"),
    ("chloe.martin@example.org", "Chloé Martin"), ("dev.patel@example.org", "Dev Patel"),
    ("ewa.nowak@example.org", "Ewa Nowak"), ("finn.gallagher@example.org", "Finn Gallagher"),
    ("grace.adeyemi@example.org", "Grace Adeyemi"), ("hiro.tanaka@example.org", "Hiro Tanaka"),
    ("isla.fraser@example.org", "Isla Fraser"), ("jonah.levi@example.org", "Jonah Levi"),
    ("kemi.bello@example.org", "Kemi Bello"),
]
ALUMNI = [("lena.fischer@example.org", "Lena Fischer"), ("omar.said@example.org", "Omar Said")]

# Rankings by slug (each student's 1st to 5th choice).
RANKINGS = {
    "student@example.org": ["river-readings-open-data", "food-bank-stock-tracker", "council-minutes-search"],
    "aisha.khan@example.org": ["food-bank-stock-tracker", "petition-signature-checker", "fix-my-street-light"],
    "ben.oduya@example.org": ["food-bank-stock-tracker", "repair-request-sms", "small-area-stats-explainer"],
    "chloe.martin@example.org": ["petition-signature-checker", "food-bank-stock-tracker", "council-minutes-search"],
    "dev.patel@example.org": ["petition-signature-checker", "small-area-stats-explainer", "fix-my-street-light"],
    "ewa.nowak@example.org": ["fix-my-street-light", "river-readings-open-data", "repair-request-sms"],
    "finn.gallagher@example.org": ["fix-my-street-light", "council-minutes-search", "small-area-stats-explainer"],
    "grace.adeyemi@example.org": ["small-area-stats-explainer", "fix-my-street-light", "food-bank-stock-tracker"],
    "hiro.tanaka@example.org": ["repair-request-sms", "council-minutes-search", "river-readings-open-data"],
    "isla.fraser@example.org": ["river-readings-open-data", "council-minutes-search", "fix-my-street-light"],
    "jonah.levi@example.org": ["small-area-stats-explainer", "petition-signature-checker", "repair-request-sms",
                               "council-minutes-search", "fix-my-street-light"],
    "kemi.bello@example.org": ["food-bank-stock-tracker", "fix-my-street-light", "small-area-stats-explainer"],
}
TEAMMATES = {"aisha.khan@example.org": ["ben.oduya@example.org"],
             "ben.oduya@example.org": ["aisha.khan@example.org"],
             "chloe.martin@example.org": ["dev.patel@example.org"]}

MILESTONES = {
    "proposal": (at(2026, 11, 20), "A two-page plan agreed with your partner and supervisor."),
    "ethics": (at(2027, 1, 22), "The ethics and privacy check: what data the tool touches and how it is kept safe."),
    "interim": (at(2027, 3, 12), "A working demo to your supervisor and partner."),
    "final": (at(2027, 8, 27), "The tool, its source code and the report (PDF)."),
    "showcase": (at(2027, 9, 10, 14, 0), "A ten-minute public presentation at the showcase."),
}


# The part-time cohort ranks later in the year: its round is open, so the ranking page
# (drag to order, or arrow keys) can be tried as parttime@example.org.
PART_TIME_STUDENT = ("parttime@example.org", "Ola Nowak")
PART_TIME_CLASSMATES = [
    ("kemi.adeyemi@example.org", "Kemi Adeyemi"),
    ("tomasz.zielinski@example.org", "Tomasz Zielinski"),
]
PART_TIME_PROJECTS = [
    ("library-hours-finder", "Library opening hours that are right", "northgate-borough-council",
     "Opening hours on the council's site, on maps and on the door disagree; people arrive to a locked library.",
     "One source of opening hours with an open feed that the council's site and map services read."),
    ("spending-explorer", "Council spending people can read", "centre-for-digital-democracy",
     "Every payment over £500 is published as a spreadsheet few residents can open or understand.",
     "A searchable explorer of the council's spending by service, supplier and ward, with plain-words totals."),
    ("school-air-alerts", "Air quality alerts for schools", "clear-water-watch",
     "Schools near busy roads learn of bad air days from the news, after break time.",
     "Morning alerts from public sensor data, with advice a head teacher can act on before the first bell."),
]


def _student(email, name, password, cohort=None):
    """A demo student, enrolled in `cohort` when one is given."""
    user = demo_person(email=email, full_name=name, role=Role.STUDENT, password=password)
    if cohort is not None:
        student_enrol(student=user, cohort=cohort, by=SYSTEM)
    return user


def seed_demo_theses(*, password, stdout):
    student = User.objects.filter(email="student@example.org").first()
    enrolment = (Enrolment.objects.filter(student=student, status=Enrolment.Status.ACTIVE)
                 .select_related("cohort").order_by("-cohort__academic_year__starts_on").first()) if student else None
    cohort = enrolment.cohort if enrolment else Cohort.objects.order_by("-academic_year__starts_on").first()
    if cohort is None:
        stdout.write("  no cohort in the curriculum demo data: thesis demo skipped")
        return
    staff = {u.email: u for u in User.objects.filter(groups__name=str(Role.STAFF))}
    fallback = staff.get("staff@example.org") or next(iter(staff.values()), None)
    if fallback is None:
        stdout.write("  no staff user: thesis demo skipped")
        return

    students = {} if student is None else {student.email: student}
    for email, name in EXTRA_STUDENTS:
        students[email] = _student(email, name, password, cohort)

    partners = {}
    for slug, name, kind, contact, email, profile in PARTNERS:
        partners[slug], _ = Partner.objects.get_or_create(slug=slug, defaults={
            "name": name, "kind": kind, "contact_name": contact, "contact_email": email,
            "public_profile": profile, "approved": slug != "eastfield-youth-trust"})

    round_, created = ThesisRound.objects.get_or_create(cohort=cohort, defaults={
        "preferences_close_at": at(2026, 11, 13, 12, 0), "default_supervisor_capacity": 4})
    if created:
        stdout.write(f"  created thesis round for {cohort}")
    SupervisorCapacity.objects.get_or_create(round=round_, supervisor=fallback, defaults={"capacity": 5})

    proposals = {}
    for (slug, title, partner, sup, capacity, unit, tmin, tmax, status, problem, tool, who, privacy) in PROPOSALS:
        proposals[slug], _ = Proposal.objects.get_or_create(slug=slug, defaults={
            "title": title, "problem": problem, "tool": tool, "beneficiaries": who, "data_privacy": privacy,
            "skills": "Web development; talking to users", "partner": partners.get(partner),
            "source": Proposal.Source.PARTNER if partner else Proposal.Source.STAFF,
            "supervisor": staff.get(sup, fallback) if sup else None,
            "cohort": cohort if status != "submitted" else None,
            "capacity": capacity, "capacity_unit": unit, "team_min": tmin, "team_max": tmax,
            "status": status, "approved_by": fallback if status != "submitted" else None,
            "approved_at": timezone.now() if status != "submitted" else None})

    if not round_.runs.exists():
        # Preferences, then two runs (one per objective); the first is published.
        for email, slugs in RANKINGS.items():
            if email in students:
                services.preferences_submit(
                    student=students[email], cohort=cohort, proposal_ids=[proposals[s].pk for s in slugs],
                    teammate_ids=[students[m].pk for m in TEAMMATES.get(email, []) if m in students],
                    by=students[email], now=round_.preferences_close_at - datetime.timedelta(days=2))
        runs = []
        for objective in ("min_cost", "stable"):
            run = AllocationRun.objects.create(round=round_, objective=objective, created_by=fallback)
            runs.append(services.allocation_run_execute(run_id=run.pk))
        services.allocation_publish(run=runs[0], by=fallback)
        stdout.write(f"  published allocation: {runs[0].message}")
        started = Proposal.objects.filter(cohort=cohort, status=Proposal.Status.ALLOCATED).order_by("slug").first()
        if started:
            services.proposal_transition(proposal=started, action="start", by=fallback)

    for kind, (due, description) in MILESTONES.items():
        Milestone.objects.get_or_create(round=round_, kind=kind, defaults={"due_at": due, "description": description})

    assignment = services.published_assignment(student=student, cohort=cohort) if student else None
    if assignment:
        milestone = round_.milestones.get(kind="proposal")
        Submission.objects.get_or_create(milestone=milestone, student=student, defaults={
            "proposal": assignment.proposal, "submitted_at": milestone.due_at - datetime.timedelta(days=1),
            "repository_url": "https://git.example.org/jo-marsh/thesis-plan",
            "feedback": "A clear plan. Agree the data-sharing terms with the partner before you start the "
                        "ethics check, and book your first user interviews this month.",
            "feedback_by": assignment.proposal.supervisor, "feedback_at": milestone.due_at + datetime.timedelta(days=3),
        })

    # Next year's cohort already has open proposals, for prospective students to read.
    next_cohort = (Cohort.objects.filter(programme=cohort.programme, mode=cohort.mode,
                                         academic_year__starts_on__gt=cohort.academic_year.starts_on)
                   .order_by("academic_year__starts_on").first())
    for (slug, title, partner, sup, capacity, unit, tmin, tmax, problem, tool, who, privacy) in NEXT_YEAR:
        Proposal.objects.get_or_create(slug=slug, defaults={
            "title": title, "problem": problem, "tool": tool, "beneficiaries": who, "data_privacy": privacy,
            "skills": "Web development; data analysis", "partner": partners.get(partner),
            "source": Proposal.Source.PARTNER if partner else Proposal.Source.STAFF,
            "supervisor": staff.get(sup, fallback), "cohort": next_cohort or cohort,
            "capacity": capacity, "capacity_unit": unit, "team_min": tmin, "team_max": tmax,
            "status": Proposal.Status.OPEN if next_cohort else Proposal.Status.APPROVED,
            "approved_by": fallback, "approved_at": timezone.now()})

    _seed_open_ranking(password=password, stdout=stdout, partners=partners, supervisor=fallback)

    slug, title, partner, sup, problem, tool, who, privacy = COMPLETED
    done, _ = Proposal.objects.get_or_create(slug=slug, defaults={
        "title": title, "problem": problem, "tool": tool, "beneficiaries": who, "data_privacy": privacy,
        "partner": partners[partner], "source": Proposal.Source.PARTNER, "supervisor": staff.get(sup, fallback),
        "capacity": 1, "capacity_unit": "teams", "team_min": 2, "team_max": 2,
        "status": Proposal.Status.COMPLETED, "approved_by": fallback, "approved_at": timezone.now()})
    entry, created = ShowcaseEntry.objects.get_or_create(proposal=done, defaults={
        "summary": "Tenants log each repair request with photos and dates; the landlord replies in the same "
                   "thread. In its first six months **212 requests** were logged and the median time to a "
                   "repair fell from 41 to 19 days.",
        "repository_url": "https://git.example.org/rent-repair-tracker",
        "demo_url": "https://rent-repair.example.org/",
        "published": True, "published_at": at(2026, 9, 12, 10, 0)})
    if created:
        alumni = [_student(email, name, password) for email, name in ALUMNI]
        entry.consenting_members.set(alumni[:1])  # the second did not consent to be named


def _seed_open_ranking(*, password, stdout, partners, supervisor):
    """The MSc part-time cohort's round, open until January, with three projects to rank."""
    cohort = Cohort.objects.filter(programme__slug="msc-public-technology", mode="part_time").order_by(
        "academic_year__starts_on").first()
    if cohort is None:
        return
    round_, created = ThesisRound.objects.get_or_create(cohort=cohort, defaults={
        "preferences_close_at": at(2027, 1, 15, 12, 0), "default_supervisor_capacity": 4})
    if created:
        stdout.write(f"  created thesis round for {cohort}, preferences open")
    people = [_student(email, name, password, cohort) for email, name in [PART_TIME_STUDENT, *PART_TIME_CLASSMATES]]
    proposals = []
    for slug, title, partner, problem, tool in PART_TIME_PROJECTS:
        proposal, _ = Proposal.objects.get_or_create(slug=slug, defaults={
            "title": title, "problem": problem, "tool": tool, "beneficiaries": "Residents and the council.",
            "data_privacy": "Open data only; no personal data.", "skills": "Web development; open data",
            "partner": partners.get(partner), "source": Proposal.Source.PARTNER, "supervisor": supervisor,
            "cohort": cohort, "capacity": 2, "capacity_unit": "students", "team_min": 1, "team_max": 1,
            "status": Proposal.Status.OPEN, "approved_by": supervisor, "approved_at": timezone.now()})
        proposals.append(proposal)
    ola = people[0]
    if not Preference.objects.filter(preference_list__student=ola).exists():
        # A first ranking to reorder; she may change it until the round closes.
        services.preferences_submit(student=ola, cohort=cohort, proposal_ids=[p.pk for p in proposals[1::-1]],
                                    by=ola, now=round_.preferences_close_at - datetime.timedelta(days=40))
