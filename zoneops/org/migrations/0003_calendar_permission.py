from django.db import migrations


def sync(apps, schema_editor):
    from zoneops.org.roles import sync_builtin_roles

    sync_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    """The system admin maintains the working-day calendar (calendar.manage)."""

    dependencies = [("org", "0002_builtin_roles")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
