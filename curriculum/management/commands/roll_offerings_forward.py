"""Plan a new academic year: copy last year's module offerings into it.

    manage.py roll_offerings_forward 2026-27 2027-28 --by staff@example.org
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from curriculum.models import AcademicYear
from curriculum.services import offerings_roll_forward


class Command(BaseCommand):
    help = "Copy every offering of one academic year into another (same module, term, leader, capacity)."

    def add_arguments(self, parser):
        parser.add_argument("from_year", help="Slug of the year to copy, e.g. 2026-27")
        parser.add_argument("to_year", help="Slug of the year to plan, e.g. 2027-28 (its terms must exist)")
        parser.add_argument("--by", required=True, help="Email of the member of staff doing this (for the record)")

    def handle(self, *args, from_year, to_year, by, **options):
        try:
            source = AcademicYear.objects.get(slug=from_year)
            target = AcademicYear.objects.get(slug=to_year)
        except AcademicYear.DoesNotExist as error:
            known = ", ".join(AcademicYear.objects.values_list("slug", flat=True))
            raise CommandError(f"No such academic year. Known: {known}") from error
        user = get_user_model().objects.filter(email__iexact=by).first()
        if user is None:
            raise CommandError(f"No user with the email {by}.")
        try:
            result = offerings_roll_forward(from_year=source, to_year=target, by=user)
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{len(result.created)} offerings planned in {target}; {len(result.skipped)} already there.")
        for offering in result.missing_terms:
            self.stdout.write(f"  not copied, {target} has no {offering.term.get_season_display().lower()}: {offering}")
