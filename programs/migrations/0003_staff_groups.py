"""Staff roles: "Programme managers" change everything and export; "Viewers" only look."""

from django.db import migrations

MANAGERS = "Programme managers"
VIEWERS = "Viewers"
MODELS = [
    "partner",
    "program",
    "intake",
    "fundingsource",
    "fundingshare",
    "intakefunding",
    "student",
    "enrollment",
]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("programs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="programs")
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    managers.permissions.add(
        *perms.filter(content_type__model__in=MODELS),
        *perms.filter(codename="export_enrollment"),
    )
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.add(
        *perms.filter(content_type__model__in=MODELS, codename__startswith="view_")
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[MANAGERS, VIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_student_erased_at_exportlog"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
