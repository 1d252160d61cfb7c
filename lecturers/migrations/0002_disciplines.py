"""The disciplines guest lecturers come from, so a fresh site can record the mix at once."""

from django.db import migrations

DISCIPLINES = [
    "Data", "Design", "Economics", "Games", "Government", "Health", "Journalism", "Law", "Policy", "Research",
    "Security", "Social care", "Urbanism",
]


def add(apps, schema_editor):
    Discipline = apps.get_model("lecturers", "Discipline")
    for name in DISCIPLINES:
        Discipline.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("lecturers", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
