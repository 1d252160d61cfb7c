"""Grant the staff group the right to edit the catalogue.

Permissions, not a role check in code: a module's leader may edit their own
module anyway; everyone in the staff group (or given these permissions some
other way) may edit every module, programme and offering.
"""

from django.db import migrations

STAFF_PERMISSIONS = {
    "module": ["add", "change", "view"],
    "programme": ["add", "change", "view"],
    "programmemodule": ["add", "change", "delete", "view"],
    "moduleoffering": ["add", "change", "view"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    staff, _ = Group.objects.get_or_create(name="staff")
    for model, actions in STAFF_PERMISSIONS.items():
        # Permissions are normally made after migrations run; make them now.
        content_type, _ = ContentType.objects.get_or_create(app_label="curriculum", model=model)
        verbose = apps.get_model("curriculum", model)._meta.verbose_name
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose}"},
            )
            staff.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name="staff").first()
    if staff is None:
        return
    codenames = [f"{action}_{model}" for model, actions in STAFF_PERMISSIONS.items() for action in actions]
    staff.permissions.remove(
        *Permission.objects.filter(content_type__app_label="curriculum", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0002_module_versions_history_search"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
