"""State machines declared as data (状态机): states, the transitions between them, who may take each
and whether it needs a reason. Every transition taken is one :class:`TransitionRecord` row (one history
table for every machine) and one audit row (through :mod:`zoneops.core.hooks`).

A module declares its machine once, next to its choices::

    MACHINE = StateMachine(
        name="problem.status", states=Status.choices, permits=may_act_on,
        transitions=[Transition("open", "assigned", permission="problem.assign"),
                     Transition("assigned", "closed", permission="problem.close", reason="关闭须说明原因。")],
        final=["closed"])

and its services call ``MACHINE.check`` / ``MACHINE.authorize`` / ``MACHINE.record`` (or ``MACHINE.apply``
when the state is a single field and nothing else changes). Core knows no roles: a transition's
``permission`` is a code the machine's ``permits(actor, code, obj)`` judges, or a callable
``(actor, obj) -> bool``.
"""

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zoneops.core import hooks
from zoneops.core.models import TransitionRecord


@dataclass(frozen=True)
class Transition:
    """A permitted move ``source → target``.

    ``reason``: empty when no reason is needed, else the message shown when it is missing; it may name
    ``{source}``, ``{target}`` and ``{between}`` (the labels of ordered states passed over).
    ``permission``: None (anyone who may reach the object), a permission code, or ``(actor, obj) -> bool``.
    """

    source: str
    target: str
    kind: str = ""
    permission: str | Callable | None = None
    reason: str = ""


def ordered_moves(order, *, forward="", skip="", back="", permission=None):
    """Transitions along an ordered line of states: one step forward, skipping forward, stepping back.

    Each keyword names the move's reason message ("" = no reason needed); ``None`` leaves the move out.
    Returns a list to put into ``StateMachine(transitions=...)``.
    """
    moves = []
    for i, source in enumerate(order):
        for j, target in enumerate(order):
            if i == j:
                continue
            kind, reason = ("forward", forward) if j == i + 1 else ("skip", skip) if j > i else ("back", back)
            if reason is not None:
                moves.append(Transition(str(source), str(target), kind, permission, reason))
    return moves


DEFAULT_MESSAGES = {
    "unknown": "未知状态。",
    "same": "已处于该状态。",
    "final": "“{source}”是最终状态，不能再变更。",
    "forbidden": "不能从“{source}”变更为“{target}”。",
    "denied": "您无权进行该操作。",
}


@dataclass(frozen=True)
class StateMachine:
    """States (value → label, the main line in order), transitions and the rules to take them."""

    name: str
    states: Iterable
    transitions: Iterable[Transition]
    final: Iterable[str] = ()
    order: Iterable[str] = ()  # the main line, for ``{between}`` in messages
    permits: Callable | None = None  # (actor, code, obj) -> bool, for transitions with a permission code
    field: str = "to_state"  # the form/API field errors are reported on
    messages: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        labels = dict((str(value), str(label)) for value, label in self.states)
        edges = {}
        for move in self.transitions:
            for state in (move.source, move.target):
                if state not in labels:
                    raise ImproperlyConfigured(f"{self.name}: unknown state {state!r} in a transition")
            if (move.source, move.target) in edges:
                raise ImproperlyConfigured(f"{self.name}: transition {move.source} → {move.target} declared twice")
            edges[move.source, move.target] = move
        object.__setattr__(self, "states", labels)
        object.__setattr__(self, "transitions", tuple(edges.values()))
        object.__setattr__(self, "_edges", edges)
        object.__setattr__(self, "final", frozenset(str(s) for s in self.final))
        object.__setattr__(self, "order", [str(s) for s in self.order])
        object.__setattr__(self, "messages", DEFAULT_MESSAGES | dict(self.messages))

    def label(self, state):
        return self.states.get(state, state)

    def targets(self, source):
        """The states reachable from ``source`` in one transition, in declaration order."""
        return [move.target for move in self.transitions if move.source == source]

    def find(self, source, target):
        return self._edges.get((source, target))

    def _between(self, source, target):
        if source in self.order and target in self.order:
            low, high = sorted((self.order.index(source), self.order.index(target)))
            return "、".join(self.label(state) for state in self.order[low + 1:high])
        return ""

    def _error(self, message, source, target, field_name=None):
        text = message.format(source=self.label(source), target=self.label(target),
                              between=self._between(source, target))
        return ValidationError({field_name or self.field: text})

    def check(self, source, target, reason=""):
        """The transition ``source → target`` if the rules allow it with ``reason``; else ValidationError."""
        if target not in self.states:
            raise self._error(self.messages["unknown"], source, target)
        if target == source:
            raise self._error(self.messages["same"], source, target)
        if source in self.final:
            raise self._error(self.messages["final"], source, target)
        move = self.find(source, target)
        if move is None:
            raise self._error(self.messages["forbidden"], source, target)
        if move.reason and not (reason or "").strip():
            raise self._error(move.reason, source, target, "reason")
        return move

    def may_take(self, actor, move, obj):
        if move.permission is None:
            return True
        if callable(move.permission):
            return bool(move.permission(actor, obj))
        if self.permits is None:
            raise ImproperlyConfigured(f"{self.name}: a permission code needs StateMachine(permits=...)")
        return bool(self.permits(actor, move.permission, obj))

    def authorize(self, actor, move, obj):
        if not self.may_take(actor, move, obj):
            raise PermissionDenied(self.messages["denied"])

    def history_row(self, obj, move, *, actor=None, reason="", effective_on=None, at=None):
        """An unsaved history row (for bulk loads that write many at once); :meth:`record` saves one."""
        return TransitionRecord(
            machine=self.name, content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk, from_state=move.source, to_state=move.target, kind=move.kind,
            reason=(reason or "").strip(), effective_on=effective_on or timezone.localdate(),
            actor=getattr(actor, "person", None), at=at or timezone.now())

    def record(self, obj, move, *, actor, reason="", effective_on=None, audit_action=None, changes=None):
        """Write the history row and the audit row of a transition the caller has applied."""
        row = self.history_row(obj, move, actor=actor, reason=reason, effective_on=effective_on)
        row.save()
        hooks.audit_record(actor, audit_action or self.name, obj,
                           changes=changes if changes is not None else {"state": [move.source, move.target]},
                           detail=row.reason)
        return row

    def apply(self, obj, target, *, actor, state_field, reason="", effective_on=None, audit_action=None):
        """Check, authorize, set ``obj.<state_field>``, save that field and record: for machines whose
        state is one field and nothing else changes. Returns the history row."""
        with transaction.atomic():
            move = self.check(getattr(obj, state_field), target, reason)
            self.authorize(actor, move, obj)
            setattr(obj, state_field, target)
            obj.save(update_fields=[state_field])
            return self.record(obj, move, actor=actor, reason=reason, effective_on=effective_on,
                               audit_action=audit_action)

    def history_queryset(self, obj):
        return TransitionRecord.objects.filter(
            machine=self.name, content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk)

    def history(self, obj, limit=None):
        """The object's history under this machine, newest first, each row with from/to labels."""
        rows = list(self.history_queryset(obj).select_related("actor")[:limit])
        for row in rows:
            row.from_label, row.to_label = self.label(row.from_state), self.label(row.to_state)
        return rows
