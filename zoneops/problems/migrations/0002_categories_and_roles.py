from django.db import migrations

def seed(apps, schema_editor):
    from zoneops.org.roles import sync_builtin_roles
    from zoneops.problems.categories_seed import seed_problem_categories

    seed_problem_categories(apps.get_model("problems", "ProblemCategory"))
    sync_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    """The default problem categories (editable) and the problem permissions of the built-in roles."""

    dependencies = [("problems", "0001_problem_ledger"), ("org", "0006_grant_unique_nulls")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
