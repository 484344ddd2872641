from django.db import migrations, models
from django.db.models import Min


def merge_duplicate_grants(apps, schema_editor):
    """Keep the oldest of identical grants; a duplicate 自定义 grant's units move onto the one kept."""
    Grant = apps.get_model("org", "Grant")
    groups = (Grant.objects.values("person", "role", "scope", "unit").order_by()
              .annotate(n=models.Count("pk"), keep=Min("pk")).filter(n__gt=1))
    for group in groups:
        kept = Grant.objects.get(pk=group["keep"])
        duplicates = Grant.objects.filter(person=group["person"], role=group["role"], scope=group["scope"],
                                          unit=group["unit"]).exclude(pk=kept.pk)
        for duplicate in duplicates:
            kept.custom_units.add(*duplicate.custom_units.all())
        duplicates.delete()


class Migration(migrations.Migration):
    """Before the unique constraints of 0006 (a separate migration: PostgreSQL cannot alter a table with
    deletions still pending in the same transaction)."""

    dependencies = [("org", "0004_admin_roles_without_business_permissions")]

    operations = [migrations.RunPython(merge_duplicate_grants, migrations.RunPython.noop)]
