"""Roles are Django groups, created by a data migration. Names never change."""

from django.db import models


class Role(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    STUDENT = "student", "Student"
    STAFF = "staff", "Staff"
    REVIEWER = "reviewer", "Reviewer"
    ADMISSIONS_ADMIN = "admissions_admin", "Admissions admin"
