from django.db import migrations


def sync(apps, schema_editor):
    from zoneops.org.roles import sync_builtin_roles

    sync_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    """Built-in roles exist from the first migrate; later modules' migrations call sync again."""

    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
