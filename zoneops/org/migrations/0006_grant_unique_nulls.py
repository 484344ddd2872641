from django.db import migrations, models

DUPLICATE_GRANT = "该人员已有相同角色和数据范围的授权，不能重复授予；如需调整，请先撤销原授权。"


class Migration(migrations.Migration):
    """The same grant could be given twice when its unit was empty (NULLs are distinct in a unique index)."""

    dependencies = [("org", "0005_merge_duplicate_grants")]

    operations = [
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
