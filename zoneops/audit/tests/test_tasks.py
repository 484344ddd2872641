import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from zoneops.audit.models import AuditEntry
from zoneops.audit.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_runs_the_queued_chain_check(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = verify_audit_chain.enqueue()
    assert result.status == TaskResultStatus.READY
    call_command("worker", "--batch")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is None
    assert AuditEntry.objects.filter(action="audit.verify", result="success").exists()
