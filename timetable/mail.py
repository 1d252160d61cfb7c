"""The mail the timetable sends, registered with notifications (staff can edit its wording)."""

SAMPLE = {
    "name": "Jo",
    "session": "MPT7001 lecture: Public value and the state",
    "module": "MPT7001 Public Technology in Practice",
    "when": "Tue 3 Feb 10:00\u201312:00 (Europe/London)",
    "where": "Room B12",
    "reason": "The lecturer is ill. The material will be covered in week 6.",
    "link": "https://mpt.example.ac.uk/modules/public-technology-in-practice/",
}


def register():
    from notifications.registry import Kind, register_purpose

    from .services import CANCEL_PURPOSE

    register_purpose(
        CANCEL_PURPOSE,
        label="A timetabled session is cancelled",
        group="Timetable",
        kind=Kind.INFORMATION,
        placeholders={
            "name": "The person's short name",
            "session": "The session, e.g. “MPT7001 lecture”, and its topic",
            "module": "The module's code and title",
            "when": "Day, date and time, with the time zone",
            "where": "The room, or “Online”",
            "reason": "Why it is cancelled, as staff wrote it",
            "link": "The module's page, with its timetable",
        },
        sample_context=SAMPLE,
        subject="Cancelled: {session}, {when}",
        body=(
            "Hello {name},\n\n"
            "{session} ({module}) on {when} in {where} is cancelled.\n\n"
            "Reason: {reason}\n\n"
            "You are receiving this because the session is on your timetable. "
            "Calendar feeds show the change the next time your calendar refreshes. "
            "The module's timetable: {link}\n\n"
            "Questions: {support_email}\n"
        ),
    )
