"""The 督办事项 state machine, declared as data on :mod:`zoneops.core.workflow`.

已交办 → 办理中 → 申请办结 → 已办结. The owner unit may return (退回, with a reason) a task that is not
its own; the issuing side then hands it again (to the same or another unit). Only the issuer, or someone
whose ``task.issue`` grant reaches the issuing unit, accepts a task as done or sends it back to work.
"""

from zoneops.core.workflow import StateMachine, Transition
from zoneops.dispatch.choices import TASK_ORDER
from zoneops.dispatch.choices import TaskStatus as S
from zoneops.org.scope import may_act_on


def handler(actor, task):
    return may_act_on(actor, "task.handle", task.owner_unit)


def issuer(actor, task):
    """The person who issued it, or a holder of task.issue over the issuing unit."""
    if actor.is_system:
        return True
    if task.issued_by_id is not None and task.issued_by_id == actor.person.pk:
        return True
    return may_act_on(actor, "task.issue", task.issuing_unit)


TASK_MACHINE = StateMachine(
    name="task.status",
    states=S.choices,
    order=TASK_ORDER,
    final=[S.CLOSED],
    field="to_status",
    transitions=[
        Transition(S.ASSIGNED, S.HANDLING, "forward", handler),
        Transition(S.ASSIGNED, S.RETURNED, "return", handler, "退回须说明原因。"),
        Transition(S.HANDLING, S.RETURNED, "return", handler, "退回须说明原因。"),
        Transition(S.RETURNED, S.ASSIGNED, "reassign", issuer),
        Transition(S.HANDLING, S.DONE_REQUESTED, "forward", handler, "申请办结须填写办结情况。"),
        Transition(S.DONE_REQUESTED, S.CLOSED, "forward", issuer),
        Transition(S.DONE_REQUESTED, S.HANDLING, "back", issuer, "不同意办结须说明原因。"),
    ],
    messages={"same": "督办事项已处于该状态。", "final": "督办事项已办结，不能再变更。",
              "forbidden": "督办事项不能从“{source}”变更为“{target}”。", "denied": "您无权进行该操作。"},
)
