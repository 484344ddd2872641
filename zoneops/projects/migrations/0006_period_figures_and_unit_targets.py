
import django.db.models.deletion
import zoneops.core.money
from django.conf import settings
from django.db import migrations, models


def targets_to_top_unit(apps, schema_editor):
    """Targets kept before they had a unit belonged to the whole deployment: give them its top unit."""
    Target = apps.get_model("projects", "StatsQuarterTarget")
    Unit = apps.get_model("org", "Unit")
    top = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if top is None:
        Target.objects.all().delete()
    else:
        Target.objects.filter(unit__isnull=True).update(unit=top)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_reference_data'),
        ('org', '0003_calendar_permission'),
        ('projects', '0005_ledger_order_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='statsquartertarget',
            name='projects_stats_target',
        ),
        migrations.AddField(
            model_name='projectrules',
            name='signing_huge_threshold',
            field=zoneops.core.money.MoneyField(default=1000000000, help_text='新签约（≥10亿元）一栏按总投资不低于此数计。', verbose_name='签约重大项目门槛（元）'),
        ),
        migrations.AddField(
            model_name='projectrules',
            name='signing_major_threshold',
            field=zoneops.core.money.MoneyField(default=100000000, help_text='新签约（≥1亿元）一栏按总投资不低于此数计。', verbose_name='签约大项目门槛（元）'),
        ),
        migrations.AddField(
            model_name='statsquartertarget',
            name='unit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='stats_targets', to='org.unit', verbose_name='单位'),
        ),
        migrations.RunPython(targets_to_top_unit, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='statsquartertarget',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stats_targets', to='org.unit', verbose_name='单位'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['actual_start'], name='projects_actual_start'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['actual_completion'], name='projects_actual_completion'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['signed_on'], name='projects_signed_on'),
        ),
        migrations.AddIndex(
            model_name='statsinclusion',
            index=models.Index(fields=['included_on'], name='projects_stats_included_on'),
        ),
        migrations.AddConstraint(
            model_name='statsquartertarget',
            constraint=models.UniqueConstraint(fields=('unit', 'year', 'quarter'), name='projects_stats_target'),
        ),
    ]
