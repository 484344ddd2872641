from django.db import migrations


def load(apps, schema_editor):
    from zoneops.core.reference import load_industry_codes, load_regions

    load_industry_codes(apps.get_model("core", "IndustryCode"))
    load_regions(apps.get_model("core", "Region"))


def seed_calendar(apps, schema_editor):
    from chinese_calendar import constants

    CalendarDay = apps.get_model("core", "CalendarDay")
    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    rows = [
        CalendarDay(date=day, kind=kind, name=chinese.get(name, name or ""))
        for kind, mapping in (("holiday", constants.holidays), ("workday", constants.workdays))
        for day, name in mapping.items()
        if day.year >= 2020
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
    ]
