"""Demo curriculum: the proposal's Masters as real modules, its sister courses,
two academic years with terms, offerings and cohorts. Only `manage.py seed_demo`
calls this. Idempotent: everything is found by its code or slug first, and
content is written only when a row is new, so staff edits survive a re-run.
"""

import datetime

from accounts.demo import demo_person
from accounts.models import User
from accounts.roles import Role
from core.access import SYSTEM

from .cache import bump_generation
from .models import (
    AcademicYear,
    AssessmentComponent,
    Cohort,
    ExitAward,
    LearningOutcome,
    Module,
    ModuleOffering,
    Programme,
    ProgrammeModule,
    PublicationStatus,
    SearchSynonym,
    Season,
    StudyMode,
    Term,
    Theme,
)
from .search import refresh_search_vectors
from .services import _record, offerings_roll_forward, student_enrol
from .snapshots import snapshot_of

YEARS = [
    # name, slug, starts, ends, terms (season, starts on a Monday, ends)
    ("2026/27", "2026-27", datetime.date(2026, 9, 28), datetime.date(2027, 9, 24), [
        (Season.AUTUMN, datetime.date(2026, 9, 28), datetime.date(2026, 12, 11)),
        (Season.SPRING, datetime.date(2027, 1, 11), datetime.date(2027, 3, 26)),
        (Season.SUMMER, datetime.date(2027, 4, 26), datetime.date(2027, 9, 10)),
    ]),
    ("2027/28", "2027-28", datetime.date(2027, 9, 27), datetime.date(2028, 9, 22), [
        (Season.AUTUMN, datetime.date(2027, 9, 27), datetime.date(2027, 12, 10)),
        (Season.SPRING, datetime.date(2028, 1, 10), datetime.date(2028, 3, 24)),
        (Season.SUMMER, datetime.date(2028, 4, 24), datetime.date(2028, 9, 8)),
    ]),
]

STAFF = [
    # email, name: teaching staff besides the demo staff user (who leads three modules)
    ("m.chen@example.org", "Dr Miriam Chen"),
    ("k.mensah@example.org", "Prof. Kwame Mensah"),
    ("l.hartley@example.org", "Dr Lucy Hartley"),
]

THEMES = [
    ("government-and-policy", "Government and policy"),
    ("research-methods", "Research methods"),
    ("design", "Design"),
    ("privacy-and-ethics", "Privacy and ethics"),
    ("communication", "Communication"),
    ("building-tools", "Building tools"),
]

MODULES = [
    {
        "code": "MPT7001", "slug": "how-public-institutions-work",
        "title": "How public institutions work: government, campaigns, NGOs and companies",
        "leader": "k.mensah@example.org", "credits": 15, "themes": ["government-and-policy"],
        "summary": "How government, campaigns, charities and companies are structured, who decides what, "
                   "and where technology can change how they act.",
        "description": (
            "Technologists who want to help public bodies first need to know how they work. This module maps "
            "central and local government, regulators, campaigning groups, NGOs and companies: their money, "
            "their accountability and the pressures on the people inside them.\n\n"
            "## How it is taught\n\n"
            "Weekly seminars with a guest from a different kind of organisation each week: a council's digital "
            "lead, a campaign director, a charity trustee, a civil servant.\n\n"
            "- Case studies of decisions that went well and badly\n"
            "- A field visit to a public body\n"
        ),
        "outcomes": [
            "Describe how decisions are made and funded in government, campaigns, NGOs and companies.",
            "Identify who in an organisation can say yes to a technology project, and what they need to hear.",
            "Analyse a public body's incentives and constraints before proposing a digital change.",
        ],
        "assessments": [("Organisation analysis essay", "essay", 60), ("Seminar presentation", "presentation", 40)],
        "prerequisites": [],
    },
    {
        "code": "MPT7002", "slug": "dissecting-digital-services",
        "title": "Dissecting digital services",
        "leader": "staff@example.org", "credits": 15, "themes": ["design", "building-tools"],
        "summary": "Take apart more and less impactful digital services and campaigns, as biology students "
                   "dissect frogs, to find what makes them work or fail.",
        "description": (
            "Each week we dissect a real service: a petition site, a benefits calculator, a freedom of "
            "information tool, a failed government app. We look at who uses it, what it changed, how it was "
            "built and funded, and why it succeeded or did not.\n\n"
            "You finish with a method you can apply to any service, and a written dissection of your own choice."
        ),
        "outcomes": [
            "Evaluate a digital service's impact against what it set out to change.",
            "Explain the technical, organisational and design reasons for a service's strengths and weaknesses.",
            "Write a structured dissection that others can check and build on.",
        ],
        "assessments": [("Dissection of a chosen service", "report", 70), ("Group critique", "presentation", 30)],
        "prerequisites": [],
    },
    {
        "code": "MPT7003", "slug": "social-science-methods-and-statistical-significance",
        "title": "Social science methods and statistical significance",
        "leader": "m.chen@example.org", "credits": 15, "themes": ["research-methods"],
        "summary": "The basics of social science research: interviews, surveys, experiments, and how to tell "
                   "whether a difference is statistically significant.",
        "description": (
            "Public technology is full of claims: this tool increased turnout, that redesign cut complaints. "
            "This module teaches how to test them.\n\n"
            "1. Qualitative methods: interviews, observation, coding themes\n"
            "2. Surveys and sampling\n"
            "3. Experiments and A/B tests in public services\n"
            "4. Statistical significance, effect sizes and the ways results mislead\n"
        ),
        "outcomes": [
            "Choose a research method that fits a question about a service or policy.",
            "Design and analyse a simple experiment, reporting significance and effect size correctly.",
            "Criticise published claims about the impact of technology.",
        ],
        "assessments": [("Methods exercise", "code", 50), ("Research proposal", "report", 50)],
        "prerequisites": [],
    },
    {
        "code": "MPT7004", "slug": "privacy-management",
        "title": "Privacy management",
        "leader": "l.hartley@example.org", "credits": 15, "themes": ["privacy-and-ethics"],
        "summary": "Good practice in privacy management: data protection law, privacy by design, impact "
                   "assessments and handling personal data in public services.",
        "description": (
            "Public services hold some of the most sensitive data there is. This module covers UK GDPR and "
            "data protection, data protection impact assessments, minimisation, retention and subject access, "
            "and the design patterns that keep people's data safe.\n\n"
            "You write a real privacy impact assessment for a service of your choice."
        ),
        "outcomes": [
            "Apply data protection principles to the design of a digital service.",
            "Write a data protection impact assessment that a data protection officer would accept.",
            "Design retention, access and deletion rules for personal data.",
        ],
        "assessments": [("Data protection impact assessment", "report", 60), ("Exam", "exam", 40)],
        "prerequisites": ["MPT7002"],
    },
    {
        "code": "MPT7005", "slug": "user-experience-design",
        "title": "User experience design for public services",
        "leader": "staff@example.org", "credits": 15, "themes": ["design"],
        "summary": "User research, accessible design and usability testing for services that everyone, "
                   "not only the confident, must be able to use.",
        "description": (
            "Services for the public cannot choose their users. We work through user research, journey "
            "mapping, prototyping, accessibility (WCAG 2.2) and usability testing with real participants.\n\n"
            "Building on *Dissecting digital services*, you redesign part of a service and test it."
        ),
        "outcomes": [
            "Plan and run user research with people who find services hard to use.",
            "Prototype and test a design, and change it in response to evidence.",
            "Check a service against accessibility standards and fix what fails.",
        ],
        "assessments": [("Redesign portfolio", "portfolio", 70), ("Usability test report", "report", 30)],
        "prerequisites": ["MPT7002"],
    },
    {
        "code": "MPT7006", "slug": "solving-serious-problems-playfully",
        "title": "Solving serious problems playfully",
        "leader": "m.chen@example.org", "credits": 15, "themes": ["design", "building-tools"],
        "summary": "Games, play and humour as tools for engagement: how serious problems can be solved "
                   "playfully without trivialising them.",
        "description": (
            "From crowdsourced science to civic games, play can bring people into problems they would "
            "otherwise ignore. We study what works and why, then design and build a playful prototype in a team."
        ),
        "outcomes": [
            "Explain how game design and play change people's motivation and participation.",
            "Design a playful intervention for a serious public problem.",
            "Build and test a working prototype in a team.",
        ],
        "assessments": [("Team prototype", "project", 60), ("Individual reflection", "essay", 40)],
        "prerequisites": ["MPT7005"],
    },
    {
        "code": "MPT7007", "slug": "explaining-technology-to-decision-makers",
        "title": "Explaining technology to decision makers",
        "leader": "k.mensah@example.org", "credits": 15, "themes": ["communication", "government-and-policy"],
        "summary": "The dos and don'ts of digital technology, explained to less technical decision makers: "
                   "briefings, business cases, and telling hype from real value.",
        "description": (
            "A whole module on the skill the proposal calls rarest: telling management which waves of "
            "technology are hype and which bring real value, and contracting for larger systems without "
            "being sold snake oil.\n\n"
            "You write a ministerial-style briefing and present it to a panel of real decision makers."
        ),
        "outcomes": [
            "Explain a technical choice and its risks in plain words to a non-technical audience.",
            "Write a briefing and a business case that a board can decide on.",
            "Assess a supplier's proposal and identify what it does not say.",
        ],
        "assessments": [("Briefing paper", "report", 50), ("Panel presentation", "presentation", 50)],
        "prerequisites": ["MPT7001"],
    },
    {
        "code": "MPT7008", "slug": "open-data-and-civic-tech",
        "title": "Open data and civic technology",
        "leader": "l.hartley@example.org", "credits": 15, "themes": ["building-tools", "government-and-policy"],
        "summary": "Finding, cleaning and publishing public data, and building civic tools on it, from "
                   "parliamentary records to spending data.",
        "description": (
            "Optional. Many of the best-known civic tools started with a public dataset and a weekend. We "
            "look at freedom of information, open data standards, scraping responsibly and keeping a small "
            "tool running for years."
        ),
        "outcomes": [
            "Find, assess and clean public data for a civic purpose.",
            "Publish data and code that others can reuse.",
        ],
        "assessments": [("Open data tool", "code", 100)],
        "prerequisites": [],
    },
    {
        "code": "MPT7009", "slug": "evaluating-impact",
        "title": "Evaluating impact",
        "leader": "m.chen@example.org", "credits": 15, "themes": ["research-methods"],
        "summary": "How to show whether a digital project made a difference: theories of change, evaluation "
                   "design and reporting to funders honestly.",
        "description": "Optional. Builds on the methods module to plan and run an evaluation of a real project.",
        "outcomes": [
            "Write a theory of change for a digital project.",
            "Design an evaluation proportionate to a project's size and risk.",
        ],
        "assessments": [("Evaluation plan", "report", 100)],
        "prerequisites": ["MPT7003"],
    },
    {
        "code": "MPT7100", "slug": "thesis-building-a-public-technology-tool",
        "title": "Thesis: building a public technology tool",
        "leader": "staff@example.org", "credits": 60, "themes": ["building-tools"],
        "summary": "The year ends with a thesis that is a meaningful working tool, built alone or with other "
                   "students and an external organisation that brings a real problem.",
        "description": (
            "Charities, councils and public bodies propose projects; you choose, are matched, and build. "
            "Supervision is fortnightly. The thesis is the tool itself, its users' verdict, and a written "
            "account of the choices you made and the evidence behind them.\n\n"
            "Finished tools are shown in the public showcase."
        ),
        "outcomes": [
            "Plan and deliver a working tool that meets a real organisation's need.",
            "Work with an external partner: agree scope, report progress and hand over.",
            "Evaluate the tool with its users and report honestly on its impact.",
        ],
        "assessments": [("The tool and its code", "code", 50), ("Written thesis", "report", 40),
                        ("Showcase presentation", "presentation", 10)],
        "prerequisites": ["MPT7002", "MPT7003", "MPT7005"],
    },
]

WHO_FOR = (
    "People who can already code well and want to use it for the public good: developers, data people and "
    "engineers who want to work for charities, councils, public bodies and campaigns, or to change how "
    "technology is used there from the inside."
)
HOW_TO_APPLY = (
    "1. Create an account with your email address and confirm it.\n"
    "2. Fill in the application in steps: your experience, evidence of your code, a personal statement and "
    "two referees. Every step saves, so you can come back.\n"
    "3. Follow your application from your account: you always see where it stands."
)

PROGRAMMES = [
    {
        "slug": "msc-public-technology", "title": "MSc Public Technology", "award": Programme.Award.MSC,
        "total_credits": 180, "optional_credits": 15, "order": 1, "full_time": True, "part_time": True,
        "duration": "One year full-time, two years part-time",
        "summary": "A one-year Masters for people who can already code well: how public institutions work, how "
                   "to tell a digital service that helps from one that does not, and a thesis that is a working "
                   "tool built with an organisation that needs it.",
        "who_it_is_for": WHO_FOR,
        "entry_requirements": "A good degree in any subject, or equivalent experience, and evidence that you "
                              "can already code well: a portfolio, open-source work or a code sample.",
        "how_to_apply": HOW_TO_APPLY,
        "exit_awards": [("PGCert Public Technology", 60), ("PGDip Public Technology", 120)],
        "placements": [
            ("MPT7001", "core", Season.AUTUMN), ("MPT7002", "core", Season.AUTUMN),
            ("MPT7003", "core", Season.AUTUMN), ("MPT7004", "core", Season.SPRING),
            ("MPT7005", "core", Season.SPRING), ("MPT7006", "core", Season.SPRING),
            ("MPT7007", "core", Season.SPRING), ("MPT7008", "optional", Season.SPRING),
            ("MPT7009", "optional", Season.SPRING), ("MPT7100", "core", Season.SUMMER),
        ],
    },
    {
        "slug": "pgcert-public-technology", "title": "PGCert Public Technology", "award": Programme.Award.PGCERT,
        "total_credits": 60, "optional_credits": 0, "order": 2, "full_time": False, "part_time": True,
        "duration": "One year part-time",
        "summary": "The Masters' four foundation modules, part-time alongside a job. The credits count towards "
                   "the MSc if you continue.",
        "who_it_is_for": "Developers in work who want the foundations of public technology without leaving their job.",
        "entry_requirements": "As for the MSc: evidence that you can already code well.",
        "how_to_apply": HOW_TO_APPLY,
        "exit_awards": [],
        "placements": [
            ("MPT7001", "core", Season.AUTUMN), ("MPT7002", "core", Season.AUTUMN),
            ("MPT7003", "core", Season.SPRING), ("MPT7004", "core", Season.SPRING),
        ],
    },
    {
        "slug": "short-course-privacy-and-design", "title": "Short course: privacy and design for public services",
        "award": Programme.Award.SHORT_COURSE, "total_credits": 30, "optional_credits": 0, "order": 3,
        "full_time": False, "part_time": True, "duration": "One term, one day a week",
        "summary": "Two Masters modules for people on the job: privacy management and user experience design, "
                   "taught alongside the MSc students.",
        "who_it_is_for": "Developers, designers and product people working in or with public services.",
        "entry_requirements": "Current work on a digital service.",
        "how_to_apply": HOW_TO_APPLY,
        "exit_awards": [],
        "placements": [("MPT7004", "core", Season.SPRING), ("MPT7005", "core", Season.SPRING)],
    },
    {
        "slug": "public-technology-for-non-coders", "title": "Public technology for non-coders",
        "award": Programme.Award.CERTIFICATE, "total_credits": 45, "optional_credits": 0, "order": 4,
        "full_time": False, "part_time": True, "duration": "Two terms part-time",
        "summary": "The sister course for people who do not code: how public institutions work, how to dissect "
                   "a digital service, and how to make technology decisions well.",
        "who_it_is_for": "Managers, policy people, trustees and campaigners who commission or oversee technology.",
        "entry_requirements": "Experience in a public, charitable or campaigning organisation. No coding needed.",
        "how_to_apply": HOW_TO_APPLY,
        "exit_awards": [],
        "placements": [
            ("MPT7001", "core", Season.AUTUMN), ("MPT7002", "core", Season.AUTUMN),
            ("MPT7007", "core", Season.SPRING),
        ],
    },
]

COHORTS = [
    # programme slug, year slug, mode
    ("msc-public-technology", "2026-27", StudyMode.FULL_TIME),
    ("msc-public-technology", "2026-27", StudyMode.PART_TIME),
    ("msc-public-technology", "2027-28", StudyMode.FULL_TIME),
    ("msc-public-technology", "2027-28", StudyMode.PART_TIME),
    ("pgcert-public-technology", "2026-27", StudyMode.PART_TIME),
    ("pgcert-public-technology", "2027-28", StudyMode.PART_TIME),
]


# Words applicants search with that the module pages spell out.
SYNONYMS = [
    ("a11y", "accessibility"),
    ("ai", "artificial intelligence, machine learning"),
    ("gdpr", "data protection, privacy"),
    ("govtech", "digital government, public services"),
    ("hci", "human computer interaction, user experience"),
    ("ml", "machine learning"),
    ("stats", "statistics"),
    ("usability", "user experience"),
    ("ux", "user experience"),
]


def _staff(password):
    users = {
        email: demo_person(email=email, full_name=name, role=Role.STAFF, password=password) for email, name in STAFF
    }
    users["staff@example.org"] = User.objects.get(email="staff@example.org")
    return users


def _years():
    years = {}
    for name, slug, starts, ends, terms in YEARS:
        year, _ = AcademicYear.objects.get_or_create(slug=slug, defaults={"name": name, "starts_on": starts,
                                                                          "ends_on": ends})
        for season, term_starts, term_ends in terms:
            Term.objects.get_or_create(academic_year=year, season=season,
                                       defaults={"starts_on": term_starts, "ends_on": term_ends})
        years[slug] = year
    return years


def seed_demo_curriculum(*, password, stdout):
    users = _staff(password)
    themes = {}
    for slug, name in THEMES:
        themes[slug], _ = Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    modules = {}
    created_modules = created_programmes = 0
    for spec in MODULES:
        module, created = Module.objects.get_or_create(code=spec["code"], defaults={
            "slug": spec["slug"], "title": spec["title"], "summary": spec["summary"],
            "description": spec["description"], "credits": spec["credits"], "level": 7,
            "leader": users[spec["leader"]], "status": PublicationStatus.PUBLISHED,
        })
        modules[spec["code"]] = module
        if created:
            module.themes.set([themes[t] for t in spec["themes"]])
            LearningOutcome.objects.bulk_create(
                LearningOutcome(module=module, order=i, text=text) for i, text in enumerate(spec["outcomes"])
            )
            AssessmentComponent.objects.bulk_create(
                AssessmentComponent(module=module, order=i, title=title, kind=kind, weight=weight)
                for i, (title, kind, weight) in enumerate(spec["assessments"])
            )
            # A first history entry, so the history page starts from the seeded text.
            _record(module, kind="created", snapshot={}, by=SYSTEM, note="Demo data")
            created_modules += 1
    for spec in MODULES:
        module = modules[spec["code"]]
        if not module.prerequisites.exists() and spec["prerequisites"]:
            module.prerequisites.set([modules[code] for code in spec["prerequisites"]])
    for module in modules.values():
        first = module.revisions.filter(number=1, snapshot={}).first()
        if first is not None:
            first.snapshot = snapshot_of(module)
            first.save(update_fields=["snapshot"])
    refresh_search_vectors(Module.objects.filter(code__in=modules))
    for term, expansion in SYNONYMS:
        # Created once; a staff member's later change to a synonym is kept.
        SearchSynonym.objects.get_or_create(term=term, defaults={"expansion": expansion})

    for spec in PROGRAMMES:
        programme, created = Programme.objects.get_or_create(slug=spec["slug"], defaults={
            key: spec[key] for key in ("title", "award", "total_credits", "optional_credits", "order", "full_time",
                                       "part_time", "duration", "summary", "who_it_is_for",
                                       "entry_requirements", "how_to_apply")
        } | {"status": PublicationStatus.PUBLISHED})
        for name, credits in spec["exit_awards"]:
            ExitAward.objects.get_or_create(programme=programme, name=name, defaults={"credits_required": credits})
        for code, kind, season in spec["placements"]:
            ProgrammeModule.objects.get_or_create(programme=programme, module=modules[code],
                                                  defaults={"kind": kind, "season": season})
        created_programmes += created
    if created_modules or created_programmes:
        stdout.write(f"  created {created_modules} modules and {created_programmes} programmes")

    years = _years()
    msc = Programme.objects.get(slug="msc-public-technology")
    first_year = years["2026-27"]
    terms = {t.season: t for t in first_year.terms.all()}
    for placement in msc.placements.select_related("module"):
        module = placement.module
        ModuleOffering.objects.get_or_create(
            module=module, academic_year=first_year, term=terms[placement.season],
            defaults={"leader": module.leader, "capacity": 30 if placement.kind == "core" else 15,
                      "status": ModuleOffering.Status.OPEN},
        )
    # Next year is made the way staff make it: rolled forward, then edited.
    offerings_roll_forward(from_year=first_year, to_year=years["2027-28"], by=users["staff@example.org"])

    for programme_slug, year_slug, mode in COHORTS:
        programme = Programme.objects.get(slug=programme_slug)
        year = years[year_slug]
        Cohort.objects.get_or_create(
            programme=programme, academic_year=year, mode=mode,
            defaults={"name": f"{programme.title} {year.name} {StudyMode(mode).label.lower()}",
                      "slug": f"{programme_slug}-{year_slug}-{mode.replace('_', '-')}"},
        )
    student = User.objects.filter(email="student@example.org").first()
    if student is not None:
        cohort = Cohort.objects.get(slug="msc-public-technology-2026-27-full-time")
        student_enrol(student=student, cohort=cohort, by=SYSTEM)
    bump_generation()
