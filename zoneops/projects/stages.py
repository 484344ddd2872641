"""The project stage machine (阶段流转), declared as data on :mod:`zoneops.core.workflow`.

One step forward along ``STAGE_ORDER`` freely; skipping forward or stepping back only with a reason;
停缓建 and 终止 from any stage with a reason; 停缓建 resumes to any main-line stage with a reason;
终止 is final. Every move needs ``project.stage`` on the project.
"""

from zoneops.core.workflow import StateMachine, Transition, ordered_moves
from zoneops.org.scope import may_act_on
from zoneops.projects.choices import STAGE_ORDER, Stage

_PERMISSION = "project.stage"
_SIDE = (Stage.SUSPENDED, Stage.CANCELLED)

STAGE_MACHINE = StateMachine(
    name="project.stage",
    states=Stage.choices,
    order=STAGE_ORDER,
    final=[Stage.CANCELLED],
    permits=may_act_on,
    field="to_stage",
    transitions=[
        *ordered_moves(STAGE_ORDER, permission=_PERMISSION, forward="", skip="跳过阶段（{between}）须说明原因。",
                       back="阶段回退须说明原因。"),
        *[Transition(str(source), str(side), "side", _PERMISSION, "转为“{target}”须说明原因。")
          for source in [*STAGE_ORDER, Stage.SUSPENDED] for side in _SIDE if source != side],
        *[Transition(Stage.SUSPENDED, str(stage), "resume", _PERMISSION, "停缓建项目恢复须说明原因。")
          for stage in STAGE_ORDER],
    ],
    messages={"unknown": "未知阶段。", "same": "项目已处于该阶段。", "final": "已终止的项目不能再变更阶段。",
              "denied": "您无权操作该项目。"},
)


def stage_history(project, limit=None):
    """The project's stage changes, newest first (from the shared transition history)."""
    return STAGE_MACHINE.history(project, limit)
