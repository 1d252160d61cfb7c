import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import mail as admissions_mail
from admissions import permissions, services
from admissions.models import Application, Decision, DocumentKind, IntakeQuestion, Referee
from admissions.panels import home_context, programme_context
from admissions.tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    IntakeFactory,
    IntakeQuestionFactory,
    PrivacyNoticeFactory,
    complete_application,
    pdf_bytes,
    pdf_upload,
)
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
SCRIPT = '<script>alert("x")</script><b>bold</b>'


def step_url(application, step):
    return reverse("admissions:application-step", args=[application.pk, step])


@pytest.fixture
def applicant_client(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    client.application = application
    return client


# --- /apply/ -----------------------------------------------------------------


@time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=LONDON), tick=False)
def test_apply_lists_open_intakes_with_deadlines_in_plain_words_and_when_a_closed_one_reopens(client):
    IntakeFactory(
        title="MSc Public Technology, full-time, 2027/28",
        opens_at=datetime.datetime(2026, 11, 1, 9, tzinfo=LONDON),
        closes_at=datetime.datetime(2027, 3, 31, 12, tzinfo=LONDON),
    )
    closed = IntakeFactory(
        title="PGCert Public Technology, part-time, 2026/27",
        opens_at=datetime.datetime(2026, 9, 1, 9, tzinfo=LONDON),
        closes_at=datetime.datetime(2027, 1, 15, 12, tzinfo=LONDON),
    )
    IntakeFactory(
        programme=closed.programme, title="PGCert Public Technology, part-time, 2027/28",
        opens_at=datetime.datetime(2027, 4, 6, 9, tzinfo=LONDON),
        closes_at=datetime.datetime(2027, 7, 30, 12, tzinfo=LONDON),
    )
    response = client.get(reverse("admissions:apply"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Apply by <strong>Wednesday 31 March 2027, 12:00 noon UK time</strong>" in html
    assert "closed on Friday 15 January 2027, 12:00 noon UK time" in html
    assert "The next intake opens on Tuesday 6 April 2027, 9:00am UK time" in html


@pytest.mark.parametrize("count", [1, 3])
def test_apply_page_costs_the_same_queries_whatever_the_number_of_intakes(client, count, django_assert_num_queries):
    open_and_upcoming = []
    for _ in range(count):
        open_and_upcoming += [IntakeFactory(), IntakeFactory(upcoming=True)]
        IntakeFactory(closed=True)
    user = UserFactory()
    client.force_login(user)
    # session, user, roles (nav), open, upcoming, closed, the user's applications
    with django_assert_num_queries(7):
        response = client.get(reverse("admissions:apply"))
    assert response.status_code == 200
    page = response.content.decode()
    assert [i.title for i in open_and_upcoming if escape(i.title) not in page] == []


def test_intake_page_asks_anonymous_visitors_to_create_an_account(client):
    intake = IntakeFactory()
    html = client.get(intake.get_absolute_url()).content.decode()
    assert reverse("accounts:signup") in html
    assert "<strong>coding ability</strong>" in html  # selection criteria as sanitised markdown


def test_start_creates_the_draft_and_opens_the_task_list(client):
    intake = IntakeFactory()
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("admissions:application-start", args=[intake.slug]))
    application = Application.objects.get(applicant=user)
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()
    again = client.post(reverse("admissions:application-start", args=[intake.slug]))
    assert again.url == application.get_absolute_url()
    assert Application.objects.filter(applicant=user).count() == 1


# --- The steps ---------------------------------------------------------------


def test_personal_step_saves_and_moves_on(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(step_url(application, "personal"), {
        "legal_name": "Sam Lee", "phone": "0207 946 0000", "country_of_residence": "UK",
        "accessibility_needs": "Step-free access", "version": 1,
    })
    assert response.status_code == 302
    assert response.url == step_url(application, "education")
    application.refresh_from_db()
    assert (application.legal_name, application.accessibility_needs) == ("Sam Lee", "Step-free access")
    assert application.completed_steps == ["personal"]
    assert application.version == 2


def test_missing_answers_are_shown_with_an_error_summary_and_nothing_is_saved(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(step_url(application, "personal"), {"legal_name": "", "version": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert 'href="#id_phone"' in html
    application.refresh_from_db()
    assert application.version == 1


def test_save_and_come_back_later_saves_an_unfinished_step(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(step_url(application, "education"), {
        "institution": "University of Leeds", "version": 1, "save_draft": "1",
    })
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()
    application.refresh_from_db()
    assert application.institution == "University of Leeds"
    assert "education" not in application.completed_steps


def test_coding_step_stores_languages_links_and_experience(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(step_url(application, "coding"), {
        "language_1": "Python", "level_1": "expert", "language_2": "SQL", "level_2": "proficient",
        "years_coding": "9", "code_links": "https://github.com/samlee\nhttps://samlee.dev",
        "built_something": "A tool for tenants to report repairs.", "version": 1,
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.languages == [
        {"language": "Python", "level": "expert"}, {"language": "SQL", "level": "proficient"},
    ]
    assert application.code_links == ["https://github.com/samlee", "https://samlee.dev"]
    assert application.years_coding == 9


def test_coding_step_refuses_javascript_links_and_a_language_without_a_level(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(step_url(application, "coding"), {
        "language_1": "Python", "years_coding": "9", "code_links": "javascript:alert(1)",
        "built_something": "x", "version": 1,
    })
    html = response.content.decode()
    assert "Choose your level in Python" in html
    assert "Enter each web address on its own line" in html
    application.refresh_from_db()
    assert application.code_links == []


def test_statement_over_the_word_limit_is_refused(applicant_client):
    application = applicant_client.application
    limit = application.intake.statement_word_limit
    response = applicant_client.post(step_url(application, "statement"), {
        "personal_statement": "word " * (limit + 1), "version": 1,
    })
    assert f"Use {limit} words or fewer: you have used {limit + 1}" in response.content.decode()
    application.refresh_from_db()
    assert application.personal_statement == ""


def test_extra_questions_of_every_kind_are_asked_and_saved(applicant_client):
    application = applicant_client.application
    intake = application.intake
    Kind = IntakeQuestion.Kind
    short = IntakeQuestionFactory(intake=intake, kind=Kind.SHORT_TEXT, label="Your GitHub username", required=True)
    long = IntakeQuestionFactory(intake=intake, kind=Kind.LONG_TEXT, label="A civic tool you admire", word_limit=5)
    single = IntakeQuestionFactory(intake=intake, kind=Kind.SINGLE_CHOICE, label="Funding",
                                   choices=["Self", "Employer"])
    multi = IntakeQuestionFactory(intake=intake, kind=Kind.MULTIPLE_CHOICE, label="Interests",
                                  choices=["Health", "Housing", "Democracy"])
    url = IntakeQuestionFactory(intake=intake, kind=Kind.URL, label="A talk you gave")
    too_long = applicant_client.post(step_url(application, "questions"), {
        f"q{short.pk}": "samlee", f"q{long.pk}": "one two three four five six", "version": 1,
    })
    assert "Use 5 words or fewer" in too_long.content.decode()
    response = applicant_client.post(step_url(application, "questions"), {
        f"q{short.pk}": "samlee", f"q{long.pk}": "FixMyStreet, because it works", f"q{single.pk}": "Employer",
        f"q{multi.pk}": ["Health", "Democracy"], f"q{url.pk}": "https://example.org/talk", "version": 1,
    })
    assert response.status_code == 302
    answers = {a.question_id: a for a in application.answers.all()}
    assert answers[short.pk].text == "samlee"
    assert answers[multi.pk].selected == ["Health", "Democracy"]
    assert answers[url.pk].text == "https://example.org/talk"


def test_the_questions_step_is_absent_when_an_intake_asks_none(applicant_client):
    assert applicant_client.get(step_url(applicant_client.application, "questions")).status_code == 404


def test_referees_cannot_be_the_applicant_or_the_same_person(applicant_client):
    application = applicant_client.application
    response = applicant_client.post(step_url(application, "referees"), {
        "referee_1_name": "A", "referee_1_relationship": "Manager", "referee_1_email": application.applicant.email,
        "referee_2_name": "B", "referee_2_relationship": "Colleague", "referee_2_email": "b@example.net",
        "version": 1,
    })
    assert "A referee must be someone other than you" in response.content.decode()
    assert Referee.objects.count() == 0
    response = applicant_client.post(step_url(application, "referees"), {
        "referee_1_name": "Dr Alex Morgan", "referee_1_relationship": "Manager", "referee_1_email": "a@example.net",
        "referee_2_name": "Jamie Patel", "referee_2_relationship": "Colleague", "referee_2_email": "b@example.net",
        "version": 1,
    })
    assert response.status_code == 302
    assert list(application.referees.values_list("name", flat=True)) == ["Dr Alex Morgan", "Jamie Patel"]


def test_the_same_draft_in_two_tabs_tells_the_later_save_and_keeps_the_earlier(applicant_client):
    application = applicant_client.application
    # Both tabs opened the statement at version 1.
    first = applicant_client.post(step_url(application, "statement"), {
        "personal_statement": "Written in tab one", "version": 1,
    })
    assert first.status_code == 302
    second = applicant_client.post(step_url(application, "statement"), {
        "personal_statement": "Written in tab two", "version": 1,
    })
    html = second.content.decode()
    assert second.status_code == 200
    assert "Your answers on this page are not saved yet" in html
    assert "Written in tab two" in html  # what they typed is kept on the page
    assert 'name="version" value="2"' in html  # saving again is a knowing choice
    application.refresh_from_db()
    assert application.personal_statement == "Written in tab one"


def test_html_and_script_in_every_text_field_are_shown_as_text(applicant_client):
    application = applicant_client.application
    question = IntakeQuestionFactory(intake=application.intake, kind=IntakeQuestion.Kind.LONG_TEXT, label="Why?")
    posts = {
        "personal": {"legal_name": SCRIPT, "preferred_name": SCRIPT, "phone": SCRIPT[:40],
                     "country_of_residence": SCRIPT, "accessibility_needs": SCRIPT, "circumstances": SCRIPT},
        "education": {"highest_qualification": SCRIPT, "qualification_subject": SCRIPT, "institution": SCRIPT,
                      "qualification_year": "2019", "current_role": SCRIPT, "employer": SCRIPT,
                      "work_history": SCRIPT},
        "coding": {"language_1": SCRIPT[:60], "level_1": "expert", "years_coding": "3",
                   "code_links": "https://example.org/?q=<script>", "built_something": SCRIPT},
        "statement": {"personal_statement": SCRIPT},
        "questions": {f"q{question.pk}": SCRIPT},
        "referees": {"referee_1_name": SCRIPT, "referee_1_relationship": SCRIPT, "referee_1_email": "a@example.net",
                     "referee_2_name": SCRIPT, "referee_2_relationship": SCRIPT, "referee_2_email": "b@example.net"},
    }
    for step, data in posts.items():
        application.refresh_from_db()
        response = applicant_client.post(step_url(application, step), {**data, "version": application.version})
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    html = applicant_client.get(reverse("admissions:application-check", args=[application.pk])).content.decode()
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 15
    for step in posts:
        page = applicant_client.get(step_url(application, step)).content.decode()
        assert "<script>alert" not in page


# --- Documents ---------------------------------------------------------------


def upload_url(application):
    return reverse("admissions:document-upload", args=[application.pk])


def test_a_pdf_upload_is_stored_privately(applicant_client, settings):
    application = applicant_client.application
    response = applicant_client.post(upload_url(application), {"slot": "cv", "cv-file": pdf_upload("My CV.pdf")})
    assert response.status_code == 302
    document = application.documents.get()
    assert (document.kind, document.original_name) == (DocumentKind.CV, "My CV.pdf")
    path = document.file.path
    assert path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 - private files have no URL


def test_an_exe_renamed_pdf_is_refused_on_upload(applicant_client):
    application = applicant_client.application
    exe = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\x00" * 2048, content_type="application/pdf")
    response = applicant_client.post(upload_url(application), {"slot": "cv", "cv-file": exe})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The selected file must be a PDF" in html
    assert "<title>Error:" in html
    assert application.documents.count() == 0


def test_a_50_megabyte_upload_is_refused_without_being_stored(applicant_client, settings):
    application = applicant_client.application
    big = SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024), content_type="application/pdf")
    response = applicant_client.post(upload_url(application), {"slot": "cv", "cv-file": big})
    assert response.status_code == 200
    assert "The file must be 10 MB or smaller" in response.content.decode()
    assert application.documents.count() == 0


def test_documents_are_downloads_with_safe_headers(applicant_client):
    application = applicant_client.application
    document = services.document_add(application=application, kind=DocumentKind.CV,
                                      file=pdf_upload("cv.pdf"), by=application.applicant)
    response = applicant_client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_admissions_admins_can_read_a_reference_but_the_applicant_cannot(client):
    application = complete_application()
    referee = application.referees.get(order=1)
    reference = DocumentFactory(application=application, kind=DocumentKind.REFERENCE, referee=referee)
    client.force_login(application.applicant)
    assert client.get(reference.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(roles=[Role.ADMISSIONS_ADMIN]))
    assert client.get(reference.get_absolute_url()).status_code == 200


# --- URL tampering -----------------------------------------------------------


def test_another_applicants_pages_and_documents_answer_404_and_change_nothing(client):
    victim = complete_application()
    document = victim.documents.first()
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    urls = [
        victim.get_absolute_url(),
        step_url(victim, "personal"),
        step_url(victim, "documents"),
        reverse("admissions:application-check", args=[victim.pk]),
        reverse("admissions:application-withdraw", args=[victim.pk]),
        reverse("admissions:offer", args=[victim.pk]),
        document.get_absolute_url(),
        reverse("admissions:document-download", args=[999999]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert victim.legal_name.encode() not in response.content
    posts = [
        (step_url(victim, "personal"), {"legal_name": "Hacked", "phone": "1", "country_of_residence": "x",
                                        "version": victim.version}),
        (reverse("admissions:application-submit", args=[victim.pk]), {"declaration": "on", "privacy": "on"}),
        (reverse("admissions:application-withdraw", args=[victim.pk]), {}),
        (reverse("admissions:document-delete", args=[document.pk]), {}),
        (upload_url(victim), {"slot": "cv", "cv-file": pdf_upload()}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    victim.refresh_from_db()
    assert (victim.legal_name, victim.state) == ("Sam Lee", Application.State.DRAFT)
    assert victim.documents.count() == 2


# --- Check, submit, status ---------------------------------------------------


def submit_data(notice):
    return {"declaration": "on", "privacy": "on", "notice_version": notice.version}


def test_check_page_shows_everything_and_submit_sends_to_the_status_page(client):
    notice = PrivacyNoticeFactory()
    application = complete_application()
    client.force_login(application.applicant)
    check = client.get(reverse("admissions:application-check", args=[application.pk])).content.decode()
    for text in ("Sam Lee", "University of Leeds", "Python", "https://github.com/example",
                 "Dr Alex Morgan", "Submit application", "version 2026-1"):
        assert text in check
    response = client.post(reverse("admissions:application-submit", args=[application.pk]), submit_data(notice))
    assert response.status_code == 302
    assert response.url == reverse("admissions:status")
    status = client.get(response.url).content.decode()
    assert "We have sent a confirmation to" in status
    assert "References received: 0 of 2" in status
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED


def test_a_double_click_on_submit_submits_once(client):
    notice = PrivacyNoticeFactory()
    application = complete_application()
    client.force_login(application.applicant)
    url = reverse("admissions:application-submit", args=[application.pk])
    first = client.post(url, submit_data(notice))
    second = client.post(url, submit_data(notice))
    assert (first.status_code, second.status_code) == (302, 302)
    assert OutboundEmail.objects.filter(purpose="admissions.acknowledgement").count() == 1
    assert OutboundEmail.objects.filter(purpose="admissions.reference_request").count() == 2
    assert application.history.filter(state="submitted").count() == 1


def test_submit_without_ticking_the_declaration_shows_errors(client):
    notice = PrivacyNoticeFactory()
    application = complete_application()
    client.force_login(application.applicant)
    response = client.post(reverse("admissions:application-submit", args=[application.pk]),
                           {"notice_version": notice.version})
    assert response.status_code == 400
    assert "Confirm that the information is true and complete" in response.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_a_draft_left_open_past_the_deadline_says_so_and_cannot_be_submitted(client):
    notice = PrivacyNoticeFactory()
    deadline = datetime.datetime(2027, 3, 31, 12, 0, tzinfo=LONDON)
    intake = IntakeFactory(opens_at=deadline - datetime.timedelta(days=60), closes_at=deadline)
    application = complete_application(intake=intake)
    url = reverse("admissions:application-submit", args=[application.pk])
    with time_machine.travel(deadline + datetime.timedelta(seconds=1), tick=False):
        client.force_login(application.applicant)  # sessions expire: log in at the travelled time
        check = client.get(reverse("admissions:application-check", args=[application.pk])).content.decode()
        assert "The deadline has passed" in check
        assert "Submit application" not in check
        response = client.post(url, submit_data(notice))
    assert response.status_code == 409
    assert "can no longer be submitted" in response.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT
    with time_machine.travel(deadline - datetime.timedelta(seconds=1), tick=False):
        client.force_login(application.applicant)
        assert client.post(url, submit_data(notice)).status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED


def test_a_submitted_application_can_no_longer_be_edited(client):
    application = complete_application()
    services.application_submit(application=application, by=application.applicant,
                                privacy_notice=PrivacyNoticeFactory(), declaration=True)
    client.force_login(application.applicant)
    response = client.post(step_url(application, "statement"), {"personal_statement": "changed", "version": 99})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.personal_statement == "I want to build public services that work."


@pytest.mark.parametrize("count", [1, 3])
def test_status_page_costs_the_same_queries_whatever_the_number_of_applications(
    client, count, django_assert_num_queries
):
    user = UserFactory(roles=[Role.APPLICANT])
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    for _ in range(count):
        application = complete_application(applicant=user)
        services.application_submit(application=application, by=user, privacy_notice=PrivacyNoticeFactory(),
                                    declaration=True)
        services.decision_record(application=application, outcome=Decision.Outcome.OFFER, by=admin,
                                 conditions=[("Degree", None)])
    client.force_login(user)
    # session, user, roles, applications, referees, decisions, offers, conditions, evidence
    with django_assert_num_queries(9):
        response = client.get(reverse("admissions:status"))
    assert response.content.decode().count("Read your offer") == count


# --- Referees ----------------------------------------------------------------


def submitted(application=None):
    application = application or complete_application()
    services.application_submit(application=application, by=application.applicant,
                                privacy_notice=PrivacyNoticeFactory(), declaration=True)
    application.refresh_from_db()
    return application


def test_a_referee_uploads_a_reference_through_the_link_once(client):
    application = submitted()
    referee = application.referees.get(order=1)
    url = reverse("admissions:reference-upload", args=[admissions_mail.make_reference_token(referee)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Reference for Sam Lee" in page.content.decode()
    response = client.post(url, {"reference_text": "Sam writes careful code.", "file": pdf_upload("ref.pdf")})
    assert response.status_code == 200
    assert "We have received your reference" in response.content.decode()
    referee.refresh_from_db()
    assert referee.received_at is not None
    used = client.get(url)
    assert used.status_code == 400
    assert "A reference has already been sent through this link" in used.content.decode()
    client.force_login(application.applicant)
    assert "References received: 1 of 2" in client.get(reverse("admissions:status")).content.decode()


def test_a_tampered_or_expired_referee_link_shows_why_it_does_not_work(client):
    application = submitted()
    token = admissions_mail.make_reference_token(application.referees.get(order=1))
    tampered = client.get(reverse("admissions:reference-upload", args=[token[:-3] + "abc"]))
    assert tampered.status_code == 400
    assert "not complete or is no longer valid" in tampered.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):
        expired = client.get(reverse("admissions:reference-upload", args=[token]))
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()


def test_a_referee_must_give_text_or_a_file(client):
    application = submitted()
    url = reverse("admissions:reference-upload",
                  args=[admissions_mail.make_reference_token(application.referees.get(order=1))])
    response = client.post(url, {"reference_text": ""})
    assert "Type your reference or upload it as a PDF" in response.content.decode()
    assert Referee.objects.filter(received_at__isnull=False).count() == 0


def test_the_referee_link_refuses_a_renamed_exe(client):
    application = submitted()
    url = reverse("admissions:reference-upload",
                  args=[admissions_mail.make_reference_token(application.referees.get(order=1))])
    exe = SimpleUploadedFile("ref.pdf", b"MZ" + b"\x00" * 100, content_type="application/pdf")
    response = client.post(url, {"file": exe})
    assert "The selected file must be a PDF" in response.content.decode()


# --- Offers ------------------------------------------------------------------


def test_the_applicant_accepts_an_offer_and_uploads_evidence_for_a_condition(client):
    application = submitted()
    services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=UserFactory(roles=[Role.ADMISSIONS_ADMIN]),
        conditions=[("Proof of your degree", datetime.date(2027, 8, 31))],
    )
    client.force_login(application.applicant)
    url = reverse("admissions:offer", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Proof of your degree" in page
    assert "Tuesday 31 August 2027" in page
    assert client.post(url, {"answer": "accept"}).status_code == 302
    offer = application.offers.get()
    assert offer.state == "accepted"
    condition = offer.conditions.get()
    evidence = client.post(
        reverse("admissions:condition-evidence", args=[application.pk, condition.pk]),
        {f"c{condition.pk}-file": SimpleUploadedFile("degree.pdf", pdf_bytes(), content_type="application/pdf")},
    )
    assert evidence.status_code == 302
    assert condition.evidence.get().original_name == "degree.pdf"


def test_withdraw_from_the_status_page(client):
    application = submitted()
    client.force_login(application.applicant)
    url = reverse("admissions:application-withdraw", args=[application.pk])
    assert "Withdraw my application" in client.get(url).content.decode()
    assert client.post(url, {"reason": "A job came up"}).status_code == 302
    application.refresh_from_db()
    assert (application.state, application.withdrawal_reason) == ("withdrawn", "A job came up")


# --- Permissions and panels --------------------------------------------------


def test_sensitive_answers_are_for_admissions_admins_and_the_applicant_never_reviewers():
    application = ApplicationFactory(accessibility_needs="Screen reader")
    assert permissions.can_view_sensitive(application.applicant, application)
    assert permissions.can_view_sensitive(UserFactory(roles=[Role.ADMISSIONS_ADMIN]), application)
    assert not permissions.can_view_sensitive(UserFactory(roles=[Role.REVIEWER]), application)
    assert not permissions.can_view_sensitive(UserFactory(roles=[Role.STAFF]), application)
    assert Application.SENSITIVE_FIELDS == ("accessibility_needs", "circumstances")


def test_home_and_programme_panels_show_the_next_deadline():
    intake = IntakeFactory()
    request = RequestFactory().get("/")
    assert home_context(request=request)["open_intakes"] == [intake]
    assert programme_context(request=request, programme=intake.programme)["intake"] == intake
    from core.panels import render_slot

    request.user = UserFactory()
    html = render_slot("home", request)
    assert intake.title in html and "Start your application" in html


def test_uploads_still_check_the_csrf_token():
    from django.test import Client

    application = ApplicationFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    response = client.post(upload_url(application), {"slot": "cv", "cv-file": pdf_upload()})
    assert response.status_code == 403
    assert application.documents.count() == 0
