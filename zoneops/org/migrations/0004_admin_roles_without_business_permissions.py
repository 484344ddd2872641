from django.db import migrations


def strip_business_permissions(apps, schema_editor):
    """An admin role keeps its duty's permissions and the common reads; business ones are dropped."""
    from zoneops.org.permissions import permissions_not_allowed

    Role = apps.get_model("org", "Role")
    for role in Role.objects.exclude(duty="business"):
        bad = set(permissions_not_allowed(role.duty, role.permissions))
        if bad:
            role.permissions = [code for code in role.permissions if code not in bad]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    """三权分立: admin roles hold no business permission (issue 7)."""

    dependencies = [("org", "0003_calendar_permission")]
    operations = [migrations.RunPython(strip_business_permissions, migrations.RunPython.noop)]
