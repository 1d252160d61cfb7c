import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.utils import OperationalError

# SQLite only: Postgres searches the stored search_vector (migration 0002).
# Columns in bm25 weight order; the code column is searched only for a code.
CREATE_INDEX = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS curriculum_module_fts USING fts5("
    "title, summary, description, code, "
    "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')"
)
RANK = "INSERT INTO curriculum_module_fts (curriculum_module_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 2.0, 0.0)')"
FILL = (
    "INSERT OR REPLACE INTO curriculum_module_fts (rowid, title, summary, description, code) "
    "SELECT id, title, summary, description, code FROM curriculum_module"
)


def create_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    try:
        schema_editor.execute(CREATE_INDEX)
    except OperationalError as error:
        raise OperationalError(
            "The catalogue search needs SQLite's FTS5 full-text extension, which this Python's "
            f"sqlite3 lacks ({error}). Use a Python built with FTS5 (python.org, Debian and Homebrew "
            "builds have it) or set DATABASE_URL to a PostgreSQL database."
        ) from error
    schema_editor.execute(RANK)
    schema_editor.execute(FILL)


def drop_sqlite_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS curriculum_module_fts")


class Migration(migrations.Migration):

    dependencies = [
        ('curriculum', '0003_staff_can_edit_catalogue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ModuleSearchEntry',
            fields=[
                ('module', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='curriculum.module')),
                ('document', models.TextField(db_column='curriculum_module_fts')),
                ('rank', models.FloatField()),
            ],
            options={
                'db_table': 'curriculum_module_fts',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(help_text='Stored in lower case, without accents.', max_length=40, unique=True)),
                ('expansion', models.CharField(help_text='One or more words or phrases, separated by commas.', max_length=200)),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['term'],
                'constraints': [models.CheckConstraint(condition=models.Q(('term', ''), _negated=True), name='search_synonym_term_not_empty'), models.CheckConstraint(condition=models.Q(('expansion', ''), _negated=True), name='search_synonym_expansion_not_empty')],
            },
        ),
        migrations.RunPython(create_sqlite_index, drop_sqlite_index),
    ]
