from django.db import migrations


def sync(apps, schema_editor):
    from zoneops.org.roles import sync_builtin_roles

    sync_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    """Give the built-in roles the dispatch permissions (项目管理: all; 区领导: view, issue and accept tasks,
    view meetings; 部门业务 and 乡镇园区业务: view and handle tasks, view meetings)."""

    dependencies = [("dispatch", "0001_meetings_and_tasks"), ("org", "0006_grant_unique_nulls")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
