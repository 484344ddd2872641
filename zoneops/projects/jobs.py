"""Project-ledger work the worker runs (后台任务): Excel imports and exports too large to answer inline.

The import page keeps the upload and submits :func:`import_ledger_job` twice, as it runs inline:
预检 (``commit`` false) and 确认导入 (``commit`` true, all rows or none, checked again). The export
page submits :func:`export_ledger_job` with the list's query; the file appears in 我的下载.
"""

import tempfile
from pathlib import Path

from django.db import transaction
from django.http import QueryDict
from django.urls import reverse

from zoneops.audit.services import audit_record
from zoneops.jobs.services import Outcome
from zoneops.org.scope import require_permission
from zoneops.projects.exchange import import_ledger, import_summary, ledger_filename, write_ledger
from zoneops.projects.filtersets import project_filterset

ERROR_LIMIT = 500  # problems kept for the page; the count says how many there were


def import_ledger_job(*, job, actor, progress):
    params = job.params
    path, commit = Path(params["path"]), params["commit"]
    total = max(int(params.get("rows", 0)), 1)
    progress(0, "正在读取文件")
    result = import_ledger(path, actor=actor, commit=commit,
                           progress=lambda rows: progress(rows * 90 // total, f"已读取{rows}行"))
    if commit or not result.ok:
        path.unlink(missing_ok=True)  # written, or refused: nothing left to confirm
    if commit and result.ok and result.rows:
        message = import_summary(result)
    elif result.ok:
        message = (f"预检通过：{len(result.rows)}行"
                   f"（新建{result.new}个、更新{result.updated}个、未变{result.unchanged}个）")
    else:
        message = f"{'导入' if commit else '预检'}未通过：{len(result.errors)}处问题，未写入任何数据"
    return Outcome(message=message, result={
        "commit": commit, "ok": result.ok, "rows": len(result.rows), "created": result.created,
        "new": result.new, "updated": result.updated, "unchanged": result.unchanged,
        "errors": [[error.row_number, error.column, error.message] for error in result.errors[:ERROR_LIMIT]],
        "error_count": len(result.errors), "error_rows": result.error_row_count,
        "url": f"{reverse('projects:import')}?job={job.pk}",
    })


def export_ledger_job(*, job, actor, progress):
    """The ledger narrowed by the list's query, in the submitter's scope as it is when the job runs."""
    require_permission(actor.person, "project.view")
    query = job.params.get("query", "")
    queryset = project_filterset(QueryDict(query), user=actor.person).qs
    progress(5, "正在生成台账")
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as target:
        count = write_ledger(queryset, target)
    with transaction.atomic():
        audit_record(actor, "export", ("projects.project", "", "重点项目台账"),
                     detail=f"导出{count}行（后台任务 {job.pk}）：{query}"[:500])
    return Outcome(message=f"共{count}个项目", path=target.name, filename=ledger_filename(), result={"rows": count})
