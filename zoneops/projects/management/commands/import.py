from django.core.management.base import BaseCommand, CommandError
from openpyxl import load_workbook

from zoneops.audit.context import Actor
from zoneops.exchange.intake import services as intake
from zoneops.exchange.intake.catalogue import catalogue
from zoneops.exchange.intake.engine import HEADER_SEARCH_ROWS, SheetError
from zoneops.exchange.intake.normalize import MONEY_UNITS
from zoneops.projects.exchange import LAYOUT, import_ledger


class Command(BaseCommand):
    help = ("Import from Excel: `import projects FILE [--dry-run] [--template NAME]` reads a ledger in the "
            "export layout, or a zone's own sheet through a saved template or the automatic mapping.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        projects = sub.add_parser("projects", help="Projects (项目库) from a ledger: ZoneOps's layout or a zone's own.")
        projects.add_argument("file")
        projects.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")
        projects.add_argument("--template", help="Name of a saved import template (导入模板) to map the columns.")
        projects.add_argument("--money-unit", choices=list(MONEY_UNITS), help="Unit of the sheet's money columns.")

    def handle(self, *args, kind, file, dry_run, template=None, money_unit=None, **options):
        actor = Actor.system()
        if not template and not money_unit and _export_layout(file):
            return self._ledger(file, actor, dry_run)
        chosen = None
        if template:
            chosen = intake.templates_for(actor, kind).filter(name=template).first()
            if chosen is None:
                raise CommandError(f"找不到模板“{template}”。")
        try:
            analysis, used = intake.prepare(file, kind=kind, actor=actor, template=chosen, money_unit=money_unit)
        except SheetError as error:
            raise CommandError(f"未导入：{error}") from None
        self._describe(analysis, used)
        importer = catalogue(kind).importer
        result = importer.plan(analysis, actor=actor) if dry_run else intake.confirm(analysis, kind=kind, actor=actor)
        for label, total, summed in result.totals:
            state = "一致" if total == summed else f"不一致（导入合计 {summed / 10000:.4f} 万元）"
            self.stdout.write(f"合计核对：{label} 表中合计 {total / 10000:.4f} 万元，{state}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            for row in result.active:
                for issue in row.issues:
                    self.stderr.write(f"第{row.number}行：{issue}")
            count = sum(len(row.issues) for row in result.active) + len(result.problems)
            raise CommandError(f"未导入：{count} 处问题，未写入任何数据。")
        if dry_run:
            self.stdout.write(f"预检通过：将新建 {result.new_count} 个项目，更新 {result.update_count} 个项目。")
        else:
            self.stdout.write(f"已导入：新建 {result.created} 个项目，更新 {result.updated} 个项目。")

    def _describe(self, analysis, used):
        self.stdout.write(f"使用模板“{used.name}”（{used.unit}）" if used else "自动识别列对应")
        self.stdout.write(f"表头：第{'、'.join(map(str, analysis.header_rows))}行；金额单位：{analysis.money_unit}"
                          f"{'' if analysis.money_unit_found else '（表中未注明，按默认）'}")
        spec = catalogue("projects")
        for column in analysis.columns:
            if column.label:
                target = spec.field(column.field).label if column.field else "不导入"
                self.stdout.write(f"  {column.label} → {target}")
        self.stdout.write(f"跳过 {len(analysis.skipped)} 行：" + "；".join(
            f"第{row.number}行 {row.reason}" for row in analysis.skipped))

    def _ledger(self, file, actor, dry_run):
        result = import_ledger(file, actor=actor, commit=not dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"未导入：发现 {len(result.errors)} 处问题，未写入任何数据。")
        if dry_run:
            self.stdout.write(f"预检通过：{len(result.rows)} 行，可导入 {len(result.rows)} 个项目。")
        else:
            self.stdout.write(f"已导入 {result.created} 个项目。")


def _export_layout(file):
    """The file is ZoneOps's own export: every header of the layout in its first rows (read streaming,
    so a large export goes straight to the ledger import). An unreadable file says so there."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
        try:
            texts = {str(value).strip() for row in book.worksheets[0].iter_rows(max_row=HEADER_SEARCH_ROWS,
                                                                              values_only=True)
                     for value in row if value is not None}
        finally:
            book.close()
    except Exception:  # not a workbook openpyxl can read: the ledger import gives its message
        return not str(file).lower().endswith((".xls", ".et"))
    return {column.header for column in LAYOUT.columns} <= texts
