"""The mail theses sends: its purposes, registered with notifications (staff can edit their wording)."""

from notifications.registry import Kind, register_purpose

GROUP = "Thesis projects"


def register():
    register_purpose(
        "theses.partner_proposal_received",
        label="Partner proposal received",
        group=GROUP,
        kind=Kind.ACKNOWLEDGEMENT,
        placeholders={"name": "The contact's name", "title": "The project's title",
                      "organisation": "The partner organisation"},
        sample_context={"name": "Amira Haddad", "title": "Food bank stock tracker",
                        "organisation": "Riverside Food Bank"},
        subject="We have your project proposal: {title}",
        body=(
            "Hello {name},\n\n"
            "Thank you for proposing “{title}” on behalf of {organisation}. "
            "Our staff will read it and may write to you with questions. Nothing is shown publicly "
            "until they approve it; we will tell you when students can choose it.\n\n"
            "You received this because this address was given on the project proposal form. "
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "theses.partner_proposal_open",
        label="Partner proposal open to students",
        group=GROUP,
        kind=Kind.INFORMATION,
        placeholders={"name": "The contact's name", "title": "The project's title",
                      "link": "The project's public page"},
        sample_context={"name": "Amira Haddad", "title": "Food bank stock tracker",
                        "link": "https://mpt.example.ac.uk/theses/projects/food-bank-stock-tracker/"},
        subject="Students can now choose your project: {title}",
        body=(
            "Hello {name},\n\nWe have approved “{title}” and students can now choose it. "
            "It is shown publicly here:\n\n{link}\n\n"
            "Once projects are allocated we will tell you who will work on it and introduce their supervisor.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "theses.student_proposal_to_approve",
        label="A student asks a supervisor to approve their project",
        group=GROUP,
        kind=Kind.REQUEST,
        asks_for_action=True,
        placeholders={"name": "The supervisor's short name", "student": "The student's name",
                      "title": "The project's title", "link": "Where to approve it"},
        sample_context={"name": "Ada", "student": "Jo Marsh", "title": "Open council minutes",
                        "link": "https://mpt.example.ac.uk/staff/theses/proposals/1/"},
        subject="Approve {student}'s thesis project: {title}",
        body=(
            "Hello {name},\n\n{student} proposes their own thesis project, “{title}”, and named you "
            "as supervisor. Read it and approve it (or not) here:\n\n{link}\n\nQuestions: {support_email}\n"
        ),
    )
    register_purpose(
        "theses.allocation_student",
        label="A student's thesis project",
        group=GROUP,
        kind=Kind.INFORMATION,
        placeholders={"name": "The student's short name", "title": "The project",
                      "supervisor": "The supervisor's name", "link": "The student's thesis page"},
        sample_context={"name": "Jo", "title": "Food bank stock tracker", "supervisor": "Dr Ada Okafor",
                        "link": "https://mpt.example.ac.uk/theses/my/"},
        subject="Your thesis project: {title}",
        body=(
            "Hello {name},\n\nYour thesis project is “{title}”, supervised by {supervisor}. "
            "Your project, team and milestone dates are on your thesis page:\n\n{link}\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "theses.allocation_unplaced",
        label="A student not yet placed on a thesis project",
        group=GROUP,
        kind=Kind.INFORMATION,
        placeholders={"name": "The student's short name", "link": "The student's thesis page"},
        sample_context={"name": "Jo", "link": "https://mpt.example.ac.uk/theses/my/"},
        subject="Your thesis project: we need to talk",
        body=(
            "Hello {name},\n\nWe could not place you on any of the projects you ranked. "
            "The thesis coordinator will write to you this week to agree a project with you.\n\n"
            "{link}\n\nQuestions: {support_email}\n"
        ),
    )
    register_purpose(
        "theses.allocation_supervisor",
        label="A supervisor's students",
        group=GROUP,
        kind=Kind.INFORMATION,
        placeholders={"name": "The supervisor's short name", "projects": "Each project and its students",
                      "link": "The staff thesis pages"},
        sample_context={"name": "Ada", "projects": "- Food bank stock tracker: Jo Marsh, Sam Lee",
                        "link": "https://mpt.example.ac.uk/staff/theses/"},
        subject="Your thesis students",
        body="Hello {name},\n\nThe thesis allocation is published. You supervise:\n\n{projects}\n\n{link}\n",
    )
    register_purpose(
        "theses.allocation_partner",
        label="A partner's project team",
        group=GROUP,
        kind=Kind.INFORMATION,
        placeholders={"name": "The contact's name", "title": "The project", "count": "How many students",
                      "supervisor": "The supervisor's name"},
        sample_context={"name": "Amira Haddad", "title": "Food bank stock tracker", "count": 3,
                        "supervisor": "Dr Ada Okafor"},
        subject="Students will build “{title}”",
        body=(
            "Hello {name},\n\n{count} student(s) will work on “{title}” this year, supervised by "
            "{supervisor}, who will write to you to arrange a first meeting.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "theses.milestone_reminder",
        label="Thesis milestone due",
        group=GROUP,
        kind=Kind.REMINDER,
        placeholders={"name": "The student's short name", "milestone": "The milestone",
                      "due": "When it is due, in words", "link": "The student's thesis page"},
        sample_context={"name": "Jo", "milestone": "Interim demo", "due": "Friday 12 March 2027 at 17:00",
                        "link": "https://mpt.example.ac.uk/theses/my/"},
        subject="Reminder: {milestone} due {due}",
        body="Hello {name},\n\nYour {milestone} is due {due}. Hand it in from your thesis page:\n\n{link}\n",
    )
    register_purpose(
        "theses.feedback_given",
        label="Supervisor feedback on a thesis submission",
        group=GROUP,
        kind=Kind.INFORMATION,
        placeholders={"name": "The student's short name", "milestone": "The milestone",
                      "link": "The submission page"},
        sample_context={"name": "Jo", "milestone": "Interim demo",
                        "link": "https://mpt.example.ac.uk/theses/submissions/1/"},
        subject="Feedback on your {milestone}",
        body="Hello {name},\n\nYour supervisor has written feedback on your {milestone}:\n\n{link}\n",
    )
