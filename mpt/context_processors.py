"""What every page needs: the site's name and a navigation fitted to the user.

Navigation entries name URL patterns; an entry whose app has not registered its
URL yet is left out, so the menu grows as the apps do.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts import permissions

PUBLIC_NAV = [
    ("Programmes", "curriculum:programme-list"),
    ("Modules", "curriculum:module-list"),
    ("Timetable", "timetable:week"),
    ("Guest lecturers", "lecturers:lecturer-list"),
    ("Theses", "theses:index"),
    ("Apply", "admissions:apply"),
]

ROLE_NAV = [
    (permissions.runs_the_programme, "Overview", "staff-home"),
    (permissions.is_staff_member, "Modules (staff)", "curriculum:staff-module-list"),
    (permissions.is_staff_member, "Timetable (staff)", "timetable:staff-week"),
    (permissions.is_staff_member, "Lecturers (staff)", "lecturers:staff-index"),
    (permissions.is_staff_member, "Theses (staff)", "theses:staff-index"),
    (permissions.is_staff_member, "Outbox", "notifications:outbox"),
    (permissions.is_reviewer, "My reviews", "admissions:review-queue"),
    (permissions.is_admissions_admin, "Admissions", "admissions:admin-list"),
    (permissions.manages_people_by_role, "People", "people:person-list"),
    (permissions.is_applicant, "My applications", "admissions:status"),
    (permissions.is_student, "My thesis", "theses:student-home"),
    (permissions.can_use_admin_site, "Admin site", "admin:index"),
]


def landing_url(user):
    """Where someone lands after logging in: the first page of their own work (the
    staff overview, their applications, their thesis), or None to use the default."""
    for test, _label, name in ROLE_NAV:
        if name == "admin:index" or not test(user):
            continue
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


# Entries whose URL is a parent of other entries' URLs: only their own page marks them current.
EXACT_ONLY = {"staff-home"}


def _entries(pairs, current_path):
    entries = []
    for label, name in pairs:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        prefix_marks = name not in EXACT_ONLY and url != "/"
        active = current_path == url or (prefix_marks and current_path.startswith(url))
        entries.append({"label": label, "url": url, "active": active})
    return entries


def site(request):
    user = getattr(request, "user", None)
    role_pairs = [(label, name) for test, label, name in ROLE_NAV if user and test(user)]
    return {
        "site_name": settings.SITE_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "nav_public": _entries(PUBLIC_NAV, request.path),
        "nav_roles": _entries(role_pairs, request.path),
    }
