from django.db import migrations

CATEGORIES = [("土地", 20), ("规划", 15), ("环保", 15), ("资金", 10), ("手续/审批", 10), ("用工", 10),
              ("水电气", 10), ("拆迁", 30), ("其他", 10)]


def seed(apps, schema_editor):
    from zoneops.org.roles import sync_builtin_roles

    category = apps.get_model("problems", "ProblemCategory")
    for order, (name, workdays) in enumerate(CATEGORIES):
        category.objects.get_or_create(name=name, defaults={"default_workdays": workdays, "sort_order": order})
    sync_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    """The default problem categories (editable) and the problem permissions of the built-in roles."""

    dependencies = [("problems", "0001_problem_ledger"), ("org", "0006_grant_unique_nulls")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
