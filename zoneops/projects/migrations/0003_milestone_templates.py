from django.db import migrations


def seed(apps, schema_editor):
    from zoneops.projects.templates_seed import seed_milestone_templates

    seed_milestone_templates(apps.get_model("projects", "MilestoneTemplate"),
                             apps.get_model("projects", "MilestoneTemplateItem"))


class Migration(migrations.Migration):
    """The built-in milestone templates (工业项目, 基础设施项目) as data; zones may edit them."""

    dependencies = [("projects", "0002_builtin_role_permissions")]
    # Reversing keeps the rows: a zone may have edited them, and nothing depends on their absence.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
