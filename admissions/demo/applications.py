"""Demo admissions: two open intakes (the MSc full-time, the PGCert part-time)
with applications in every state. Only `manage.py seed_demo` calls this; running
it twice changes nothing.

Dates are relative to today so the intakes are open whenever the demo is built:
the MSc closes at noon UK time about four months ahead, the PGCert later.
"""

import datetime
import io
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.demo import demo_person
from accounts.models import User
from accounts.roles import Role
from curriculum.models import AcademicYear, Cohort, Programme, StudyMode

from .. import mail, services
from ..models import Application, Decision, DocumentKind, Intake, IntakeQuestion, PrivacyNotice

LONDON = zoneinfo.ZoneInfo("Europe/London")

PRIVACY_NOTICE = """\
The university is the data controller for your application. We use what you tell us to decide whether \
to offer you a place, to contact you about it and, if you join, to set up your student record.

## Who sees it

- **The admissions team** sees everything, including any accessibility needs or circumstances you tell us about.
- **Reviewers** (academic staff and practitioners on the selection panel) see your experience, your coding \
evidence, your statement, your documents and your references. They never see your accessibility needs or \
circumstances.
- **Your referees** see only the request for a reference.

## How long we keep it

Applications that do not lead to a place are deleted 12 months after the intake closes. If you join, your \
application becomes part of your student record.

## Your rights

You can ask for a copy of your data, ask us to correct it, or withdraw your application at any time before \
you enrol. Write to the admissions team with any question.
"""

MSC_CRITERIA = """\
We look for people who **can already code well** and want to use it for the public good. Reviewers score:

1. **Coding ability**: evidence you have built working software, ideally code we can read.
2. **Motivation for public-good technology**: why charities, councils, campaigns or public bodies, and why now.
3. **Communication**: whether you can explain technical things to people who are not technical.
4. **Fit with the cohort**: what you would bring to a group that learns as much from each other as from us.
"""

PGCERT_CRITERIA = """\
The PGCert is taken part-time alongside work. We look for working developers, data people and engineers \
who want to change how their organisation uses technology, with evidence of the code they write now.
"""

PEOPLE = [
    # email, name, state, detail
    ("amara.okonkwo@example.org", "Amara Okonkwo", "draft", None),
    ("ben.clarke@example.org", "Ben Clarke", "submitted", 0),
    ("chloe.nguyen@example.org", "Chloe Nguyen", "submitted", 1),
    ("dev.patel@example.org", "Dev Patel", "under_review", 2),
    ("eilidh.fraser@example.org", "Eilidh Fraser", "offer_conditional", 2),
    ("farid.haddad@example.org", "Farid Haddad", "offer_accepted", 2),
    ("grace.mensah@example.org", "Grace Mensah", "waitlist", 2),
    ("hugo.larsen@example.org", "Hugo Larsen", "reject", 2),
    ("isla.murphy@example.org", "Isla Murphy", "withdrawn", 1),
]

PGCERT_PEOPLE = [
    ("jonah.reid@example.org", "Jonah Reid", "draft", None),
    ("kemi.adeyemi@example.org", "Kemi Adeyemi", "submitted", 1),
    ("liam.osei@example.org", "Liam Osei", "offer_unconditional", 2),
]

STATEMENTS = [
    "I have spent six years building internal tools for a housing association. The most useful thing I ever "
    "made was a repairs tracker that tenants could use from a phone: reports went up, complaints went down. "
    "I want to learn how to do that deliberately rather than by luck, and how to explain it to a board.",
    "At a council digital team I learned that the hard part is rarely the code. I want the grounding in "
    "government, social research and privacy that this programme offers, so that my next project is the "
    "right one and I can show that it worked.",
    "I volunteer for a civic tech group that maps planning applications. We have users, but we do not know "
    "if we change anything. I want to study how to measure impact and how campaigns use technology well.",
]


def _pdf(title):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), content_type="application/pdf")


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=LONDON)


def _intakes(now):
    today = timezone.localtime(now, LONDON).date()
    year = AcademicYear.objects.filter(starts_on__gt=today + datetime.timedelta(days=150)).order_by("starts_on").first()
    if year is None:
        year = AcademicYear.objects.order_by("-starts_on").first()
    msc = Programme.objects.filter(slug="msc-public-technology").first()
    pgcert = Programme.objects.filter(slug="pgcert-public-technology").first()
    if year is None or msc is None or pgcert is None:
        return []
    specs = [
        (msc, StudyMode.FULL_TIME, "full-time", 30, MSC_CRITERIA, ["cv", "transcript"], 750, 125),
        (pgcert, StudyMode.PART_TIME, "part-time", 20, PGCERT_CRITERIA, ["cv"], 500, 200),
    ]
    intakes = []
    for programme, mode, mode_words, capacity, criteria, documents, limit, close_in_days in specs:
        slug = f"{programme.slug}-{year.slug}-{mode_words}"
        intake = Intake.objects.filter(slug=slug).first()
        if intake is None:
            intake = Intake.objects.create(
                programme=programme, academic_year=year, mode=mode,
                cohort=Cohort.objects.filter(programme=programme, academic_year=year, mode=mode).first(),
                title=f"{programme.title}, {mode_words}, {year.name}", slug=slug,
                opens_at=datetime.datetime.combine(today - datetime.timedelta(days=45), datetime.time(9, 0),
                                                   tzinfo=LONDON),
                closes_at=_noon(today + datetime.timedelta(days=close_in_days)),
                capacity=capacity, selection_criteria=criteria, required_documents=documents,
                statement_word_limit=limit,
            )
            if programme is msc:
                Kind = IntakeQuestion.Kind
                IntakeQuestion.objects.create(
                    intake=intake, order=1, kind=Kind.SINGLE_CHOICE, required=True,
                    label="Which area of public life do you most want to work in?",
                    choices=["Health and care", "Housing", "Democracy and transparency", "Climate",
                             "Justice", "Something else"],
                )
                IntakeQuestion.objects.create(
                    intake=intake, order=2, kind=Kind.LONG_TEXT, required=True, word_limit=150,
                    label="A digital public service you admire, and why",
                )
                IntakeQuestion.objects.create(
                    intake=intake, order=3, kind=Kind.URL,
                    label="A talk, blog post or write-up of yours",
                )
            else:
                IntakeQuestion.objects.create(
                    intake=intake, order=1, kind=IntakeQuestion.Kind.SINGLE_CHOICE, required=True,
                    label="Will your employer support your study?",
                    choices=["Yes, with time and fees", "Yes, with time only", "No", "I am not employed"],
                )
        intakes.append(intake)
    return intakes


def _fill(application, index):
    application.legal_name = application.applicant.full_name
    application.phone = f"+44 7700 900{100 + index:03d}"
    application.country_of_residence = "United Kingdom"
    application.highest_qualification = "BSc (Hons), 2:1" if index % 2 else "MEng, First"
    application.qualification_subject = ["Computer Science", "Physics", "Mathematics", "Geography"][index % 4]
    application.institution = ["University of Leeds", "University of Glasgow", "Cardiff University",
                                "Queen's University Belfast"][index % 4]
    application.qualification_year = 2014 + index % 8
    application.current_role = ["Software developer", "Data engineer", "Full-stack developer"][index % 3]
    application.employer = ["Leeds City Council", "A housing association", "A health charity"][index % 3]
    application.work_history = (
        "Developer in a small digital team for five years: case management tools, open data publishing and "
        "the odd emergency fix on a Friday night."
    )
    application.languages = [
        {"language": "Python", "level": "expert"},
        {"language": "JavaScript", "level": "proficient"},
        {"language": "SQL", "level": "working"},
    ][: 1 + index % 3]
    application.years_coding = 3 + index % 9
    application.code_links = [f"https://github.com/{application.applicant.email.split('@')[0].replace('.', '-')}"]
    application.built_something = (
        "A text-message service that tells people when their bin collection changes. About 4,000 households "
        "used it in its first year; it taught me to test with real residents before writing any code."
    )
    application.personal_statement = STATEMENTS[index % len(STATEMENTS)]
    application.completed_steps = ["personal", "education", "coding", "statement", "questions", "referees"]
    application.save()
    for question in application.intake.questions.all():
        if question.kind == IntakeQuestion.Kind.SINGLE_CHOICE:
            application.answers.create(question=question, text=question.choices[index % len(question.choices)])
        elif question.kind == IntakeQuestion.Kind.LONG_TEXT:
            application.answers.create(
                question=question,
                text="GOV.UK Notify: it made a hard thing (sending messages reliably) cheap and boring for "
                "every public body, and it is open about how it works.",
            )
    for order, (name, relationship) in enumerate(
        [("Dr Alex Morgan", "My manager since 2021"), ("Jamie Patel", "A colleague I built two services with")],
        start=1,
    ):
        application.referees.create(
            order=order, name=name, relationship=relationship,
            email=f"referee{order}.{application.applicant.email.split('@')[0]}@example.net",
        )
    for kind in application.intake.required_documents:
        services.document_add(application=application, kind=kind, file=_pdf(f"{kind}-{application.legal_name}"),
                              by=application.applicant)


def _applicant(email, name, password):
    return demo_person(email=email, full_name=name, role=Role.APPLICANT, password=password)


def _advance(application, state, references, admin, notice, now):
    if state == "draft":
        return
    services.application_submit(application=application, by=application.applicant, privacy_notice=notice,
                                declaration=True, now=now)
    for referee in application.referees.order_by("order")[: references or 0]:
        services.reference_submit(
            token=mail.make_reference_token(referee),
            text=f"I have worked with {application.legal_name} for three years. They write clear, tested code "
            "and explain it well to people who do not code. I recommend them without reservation.",
            now=now,
        )
    if state == "withdrawn":
        services.application_withdraw(application=application, by=application.applicant,
                                      reason="I have taken a job with a local charity.", now=now)
        return
    if state == "submitted":
        return
    services.application_start_review(application=application, by=admin, now=now)
    respond_by = _noon(timezone.localtime(now, LONDON).date() + datetime.timedelta(days=21))
    if state == "offer_conditional":
        services.decision_record(
            application=application, outcome=Decision.Outcome.OFFER, by=admin, respond_by=respond_by,
            conditions=[("Your degree is awarded, with at least a 2:1 or equivalent",
                         datetime.date(timezone.localtime(now).year + 1, 8, 31))],
            message="The panel particularly liked your bin-collection service.", now=now,
        )
    elif state == "offer_unconditional":
        services.decision_record(application=application, outcome=Decision.Outcome.OFFER, by=admin,
                                 respond_by=respond_by, now=now)
    elif state == "offer_accepted":
        decision = services.decision_record(
            application=application, outcome=Decision.Outcome.OFFER, by=admin, respond_by=respond_by,
            conditions=[("Proof of your degree", None)], now=now,
        )
        services.offer_respond(offer=decision.offer, accept=True, by=application.applicant, now=now)
        services.document_add(application=application, kind=DocumentKind.EVIDENCE, file=_pdf("degree-certificate"),
                              by=application.applicant, condition=decision.offer.conditions.get())
    elif state == "waitlist":
        services.decision_record(application=application, outcome=Decision.Outcome.WAITLIST, by=admin,
                                 waitlist_rank=1, now=now)
    elif state == "reject":
        services.decision_record(application=application, outcome=Decision.Outcome.REJECT, by=admin, now=now)


def seed_applications(*, password, stdout):
    now = timezone.now()
    notice, _ = PrivacyNotice.objects.get_or_create(
        version="2026-1", defaults={"title": "How we use your application", "body": PRIVACY_NOTICE,
                                    "published_at": now - datetime.timedelta(days=60)},
    )
    intakes = _intakes(now)
    if not intakes:
        stdout.write("  no demo programmes or academic years: skipped admissions")
        return
    msc, pgcert = intakes
    admin = User.objects.filter(email="admissions@example.org").first()
    if admin is None:
        return
    people = [(msc, p) for p in PEOPLE] + [(pgcert, p) for p in PGCERT_PEOPLE]
    demo_applicant = User.objects.filter(email="applicant@example.org").first()
    if demo_applicant is not None:
        people.append((msc, ("applicant@example.org", demo_applicant.full_name, "submitted", 1)))
    created = 0
    for index, (intake, (email, name, state, references)) in enumerate(people):
        user = _applicant(email, name, password)
        if Application.objects.filter(intake=intake, applicant=user).exists():
            continue
        application, _ = services.application_start(intake=intake, by=user, now=now)
        _fill(application, index)
        application.refresh_from_db()
        _advance(application, state, references, admin, notice, now)
        created += 1
    if created:
        stdout.write(f"  created {created} demo applications in {len(intakes)} open intakes")
