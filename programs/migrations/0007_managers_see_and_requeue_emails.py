"""Programme managers see the outbox and may requeue emails (change); viewers do not see it:
its bodies carry applicants' names and decisions."""

from django.db import migrations

MANAGERS = "Programme managers"
CODENAMES = ["view_email", "change_email", "view_log"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("post_office")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    managers, _ = Group.objects.get_or_create(name=MANAGERS)
    managers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="post_office", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=MANAGERS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="post_office", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_rate_counter"),
        ("post_office", "0014_alter_email_recipient_delivery_status_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
