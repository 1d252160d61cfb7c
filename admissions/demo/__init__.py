"""Demo admissions: intakes with applications in every state (`applications`),
then reviews, decisions, interviews and an enrolled student on top (`reviews`).
Only `manage.py seed_demo` calls this; running it twice changes nothing."""

from .applications import seed_applications
from .reviews import seed_reviews


def seed_demo(*, password, stdout):
    seed_applications(password=password, stdout=stdout)
    seed_reviews(password=password, stdout=stdout)
