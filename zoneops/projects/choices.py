"""Enumerations of the project module, with the Chinese labels users see."""

from django.db import models


class Stage(models.TextChoices):
    RESERVE = "reserve", "储备"
    SIGNED = "signed", "签约"
    PREPARING = "preparing", "前期"
    STARTED = "started", "开工"
    IN_STATS = "in_stats", "纳统"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产"
    FULL_OUTPUT = "full_output", "达产"
    SUSPENDED = "suspended", "停缓建"
    CANCELLED = "cancelled", "终止"


# The main line, in order; suspended/cancelled are side states.
STAGE_ORDER = [
    Stage.RESERVE, Stage.SIGNED, Stage.PREPARING, Stage.STARTED, Stage.IN_STATS,
    Stage.BUILDING, Stage.COMPLETED, Stage.OPERATING, Stage.FULL_OUTPUT,
]
# Reaching a stage records its actual date in this project field.
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "actual_start",
    Stage.IN_STATS: "in_stats_on",
    Stage.COMPLETED: "actual_completion",
    Stage.OPERATING: "operating_on",
    Stage.FULL_OUTPUT: "full_output_on",
}
# Stages in which a project reports progress every period (missing periods count against it).
REPORTING_STAGES = [Stage.STARTED, Stage.IN_STATS, Stage.BUILDING]
# Stages in which a report may be filed: the reporting stages, and a completed project's last periods.
FILING_STAGES = [*REPORTING_STAGES, Stage.COMPLETED]
# Stages the status light does not judge (not begun, finished, or ended): always green.
UNJUDGED_STAGES = [Stage.RESERVE, Stage.OPERATING, Stage.FULL_OUTPUT, Stage.CANCELLED]


class Level(models.TextChoices):
    NATIONAL = "national", "国家重点"
    PROVINCIAL = "provincial", "省重点"
    CITY = "city", "市重点"
    DISTRICT = "district", "区重点"


LEVEL_FIELDS_BY_CODE = {
    Level.NATIONAL: "is_national_key",
    Level.PROVINCIAL: "is_provincial_key",
    Level.CITY: "is_city_key",
    Level.DISTRICT: "is_district_key",
}


class BuildNature(models.TextChoices):
    NEW = "new", "新建"
    EXPANSION = "expansion", "扩建"
    RENOVATION = "renovation", "改建和技术改造"
    RELOCATION = "relocation", "迁建"
    PURCHASE = "purchase", "单纯购置"


class Flag(models.TextChoices):
    RED = "red", "红旗"
    BLACK = "black", "黑旗"
    PENDING = "pending", "未到期"


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已审核"


class ReportFrequency(models.TextChoices):
    MONTH = "month", "每月"
    XUN = "xun", "每旬"


class ApprovalStage(models.TextChoices):
    LAND_PLANNING = "land_planning", "立项用地规划许可"
    CONSTRUCTION_PERMIT = "construction_permit", "工程建设许可"
    WORK_PERMIT = "work_permit", "施工许可"
    ACCEPTANCE = "acceptance", "竣工验收"


PRE_START_APPROVAL_STAGES = [ApprovalStage.LAND_PLANNING, ApprovalStage.CONSTRUCTION_PERMIT, ApprovalStage.WORK_PERMIT]


class ApprovalMode(models.TextChoices):
    NORMAL = "normal", "常规"
    PARALLEL = "parallel", "并联"
    ACCEPT_MISSING = "accept_missing", "容缺"
    COMMITMENT = "commitment", "承诺制"


class StatsStatus(models.TextChoices):
    PLANNED = "planned", "计划纳统"
    PREPARING = "preparing", "资料准备中"
    SUBMITTED = "submitted", "已报送"
    INCLUDED = "included", "已入库"
    REJECTED = "rejected", "未通过"


STATS_DOCUMENTS = ["立项/备案", "用地", "规划", "施工许可或合同", "现场照片"]
