"""An exclusion constraint that exists on PostgreSQL and is a no-op elsewhere.

Every PostgreSQL-only guarantee has a clear behaviour on SQLite too (make run
needs no services). On SQLite the booking table has no constraint and the application check
in `timetable.clashes` stands alone; on PostgreSQL the same check runs first
(for a plain-words message) and the constraint catches the races it cannot.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): half-open, so 10:00-12:00 and 12:00-14:00 do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    @staticmethod
    def _on_postgres(schema_editor):
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._on_postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._on_postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._on_postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
