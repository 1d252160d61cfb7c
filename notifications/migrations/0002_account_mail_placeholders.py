"""Staff's saved account-mail templates name their link by what it is.

The account mails' one `{link}` placeholder became `{verify_url}` (email
verification) and `{login_url}` (sign-up with an address that has an account),
so an edited template keeps working. `{{link}}`, literal braces, is left alone.
"""

import re

from django.db import migrations

RENAMES = {"account_verification": "verify_url", "account_signup_existing": "login_url"}
TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _rename(text, old, new):
    return TOKEN.sub(lambda m: "{" + new + "}" if m.group(1) == old else m.group(0), text)


def _apply(apps, *, forwards):
    EmailTemplate = apps.get_model("notifications", "EmailTemplate")
    for purpose, name in RENAMES.items():
        old, new = ("link", name) if forwards else (name, "link")
        for template in EmailTemplate.objects.filter(purpose=purpose):
            template.subject = _rename(template.subject, old, new)
            template.body = _rename(template.body, old, new)
            template.save(update_fields=["subject", "body"])


def forwards(apps, schema_editor):
    _apply(apps, forwards=True)


def backwards(apps, schema_editor):
    _apply(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox")]

    operations = [migrations.RunPython(forwards, backwards)]
