from django.db import migrations, models
from django.db.models import Min

DUPLICATE_GRANT = "该人员已有相同角色和数据范围的授权，不能重复授予；如需调整，请先撤销原授权。"


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
    """The same grant could be given twice when its unit was empty (NULLs are distinct in a unique index)."""

    dependencies = [("org", "0004_admin_roles_without_business_permissions")]

    operations = [
        migrations.RunPython(merge_duplicate_grants, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="grant", name="org_grant_unique"),
        migrations.AddConstraint(
            model_name="grant",
            constraint=models.UniqueConstraint(
                condition=models.Q(unit__isnull=False), fields=("person", "role", "scope", "unit"),
                name="org_grant_unique_with_unit", violation_error_message=DUPLICATE_GRANT),
        ),
        migrations.AddConstraint(
            model_name="grant",
            constraint=models.UniqueConstraint(
                condition=models.Q(unit__isnull=True), fields=("person", "role", "scope"),
                name="org_grant_unique_without_unit", violation_error_message=DUPLICATE_GRANT),
        ),
    ]
