"""The problem state machine (问题流转), declared as data on :mod:`zoneops.core.workflow`.

待交办 → 已交办 → 办理中 → 申请销号 → 已销号; the responsible unit may return (退回, with a reason) a
problem that is not its own, the assigning side re-assigns it; an unsolvable problem is parked (挂账,
with a reason and a review date) and taken up again later. Only the raiser or a leader above the raising
unit (``problem.close``) approves 销号 or sends the request back.
"""

from zoneops.core.workflow import StateMachine, Transition
from zoneops.org.scope import has_permission, may_act_on
from zoneops.problems.choices import STATUS_ORDER
from zoneops.problems.choices import Status as S


def _assigner(actor, problem):
    return may_act_on(actor, "problem.assign", problem.raising_unit) or may_act_on(
        actor, "problem.assign", problem.responsible_unit)


def _handler(actor, problem):
    return may_act_on(actor, "problem.handle", problem.responsible_unit)


def may_approve(actor, problem):
    """The raiser, or someone whose 销号 grant reaches the raising unit."""
    if actor.is_system:
        return True
    if problem.raised_by_id is not None and problem.raised_by_id == actor.person.pk:
        return True
    return has_permission(actor.person, "problem.close") and may_act_on(actor, "problem.close", problem.raising_unit)


PROBLEM_MACHINE = StateMachine(
    name="problem.status",
    states=S.choices,
    order=STATUS_ORDER,
    final=[S.CLOSED],
    field="to_status",
    transitions=[
        Transition(S.PENDING, S.ASSIGNED, "forward", _assigner),
        Transition(S.ASSIGNED, S.HANDLING, "forward", _handler),
        Transition(S.ASSIGNED, S.RETURNED, "return", _handler, "退回须说明原因。"),
        Transition(S.HANDLING, S.RETURNED, "return", _handler, "退回须说明原因。"),
        Transition(S.RETURNED, S.ASSIGNED, "reassign", _assigner),
        Transition(S.HANDLING, S.CLOSE_REQUESTED, "forward", _handler),
        Transition(S.CLOSE_REQUESTED, S.CLOSED, "forward", may_approve),
        Transition(S.CLOSE_REQUESTED, S.HANDLING, "back", may_approve, "不同意销号须说明原因。"),
        *[Transition(source, S.PARKED, "park", _assigner, "挂账须说明原因。")
          for source in (S.PENDING, S.ASSIGNED, S.HANDLING, S.RETURNED)],
        Transition(S.PARKED, S.HANDLING, "resume", _assigner),
    ],
    messages={"unknown": "未知状态。", "same": "问题已处于该状态。", "final": "问题已销号，不能再变更。",
              "forbidden": "问题不能从“{source}”变更为“{target}”。", "denied": "您无权进行该操作。"},
)


def status_history(problem, limit=None):
    return PROBLEM_MACHINE.history(problem, limit)
