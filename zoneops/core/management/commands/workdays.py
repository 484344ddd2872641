from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zoneops.core.workdays import add_workdays, seed_official_calendar, workdays_between


class Command(BaseCommand):
    help = "Working-day calendar: `workdays add DATE N`, `workdays between A B`, `workdays seed`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="The date N working days after DATE (the start day not counted).")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="Working days after A up to and including B.")
        between.add_argument("start")
        between.add_argument("end")
        sub.add_parser("seed", help="Load official holidays and make-up days from the chinesecalendar package.")

    def handle(self, *args, verb, **options):
        if verb == "seed":
            self.stdout.write(f"新增 {seed_official_calendar()} 条节假日/调休记录")
        elif verb == "add":
            self.stdout.write(add_workdays(_date(options["date"]), options["n"]).isoformat())
        else:
            self.stdout.write(str(workdays_between(_date(options["start"]), _date(options["end"]))))


def _date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None
