"""Background jobs (后台任务): heavy work a person asked for, run by the worker, kept for a while."""

from django.conf import settings
from django.db import models


class Job(models.Model):
    """One piece of heavy work (an import, an export, a PDF) and what it produced.

    ``run`` is the dotted path of the function the worker calls; ``params`` its JSON arguments. The
    owner alone sees the job and downloads its file; the row and the file go at ``expires_at``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                              verbose_name="提交人")
    ip = models.CharField("提交地址", max_length=45, blank=True)
    kind = models.CharField("类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    run = models.CharField("执行函数", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    error = models.TextField("错误信息", blank=True)
    result = models.JSONField("结果", default=dict, blank=True)  # small figures and problems for the page
    file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField("下载文件名", max_length=200, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("保留至")

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="jobs_owner_recent"),
                   models.Index(fields=["expires_at"], name="jobs_expiry")]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="jobs_progress_percent")]

    def __str__(self):
        return self.title

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}
