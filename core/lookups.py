"""`__in` on an integer column ignores numbers the column cannot hold.

Django already turns `id=10**40` into "no rows", but not `id__in=[10**40]`:
SQLite raises OverflowError, a 500 wherever a form's multiple choice (a
ModelMultipleChoiceField) receives a huge id. A number outside the column's
range matches no row, so it is dropped before the query is built.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerIn(In):
    lookup_name = "in"

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            fits = [value for value in self.rhs if not isinstance(value, int) or (
                (low is None or value >= low) and (high is None or value <= high))]
            if not fits:
                raise EmptyResultSet
            self.rhs = fits
        return super().process_rhs(compiler, connection)
