from django.db import migrations


def sync(apps, schema_editor):
    from zoneops.org.roles import sync_builtin_roles

    sync_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    """Give the built-in roles the enterprise registry's permissions (招商业务: all three; 乡镇园区业务:
    view and edit, phones masked; 区领导: view with phones)."""

    dependencies = [("enterprises", "0001_registry"), ("org", "0006_grant_unique_nulls")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
