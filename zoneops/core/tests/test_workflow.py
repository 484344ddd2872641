"""The state machine declared as data: rules, who may take a transition, history and audit."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from zoneops.core import hooks
from zoneops.core.models import CalendarDay, TransitionRecord
from zoneops.core.workflow import StateMachine, Transition, ordered_moves

ORDER = ["draft", "filed", "checked", "closed"]
STATES = [("draft", "草稿"), ("filed", "已报"), ("checked", "已核"), ("closed", "办结"), ("void", "作废")]


class Who:
    """An actor as services pass it: ``person`` and nothing else core needs."""

    def __init__(self, name, codes=()):
        self.person, self.codes, self.ip, self.is_system = None, set(codes), "", False
        self.name = name

    def __str__(self):
        return self.name


def permits(actor, code, obj):
    return code in actor.codes


def machine(**extra):
    return StateMachine(
        name="test.flow", states=STATES, order=ORDER, final=["void"], permits=permits,
        transitions=[*ordered_moves(ORDER, permission="flow.move", skip="跳过（{between}）须说明原因。",
                                    back="退回须说明原因。"),
                     *[Transition(s, "void", "side", lambda actor, obj: actor.name == "主任", "作废须说明原因。")
                       for s in ORDER]],
        **extra)


class TestRules:
    def test_one_step_forward_is_free(self):
        assert machine().check("draft", "filed").kind == "forward"

    def test_skipping_names_the_states_passed_over_and_needs_a_reason(self):
        with pytest.raises(ValidationError) as error:
            machine().check("draft", "closed")
        assert error.value.message_dict == {"reason": ["跳过（已报、已核）须说明原因。"]}
        assert machine().check("draft", "closed", reason="补录").kind == "skip"

    def test_back_needs_a_reason_and_blank_is_no_reason(self):
        with pytest.raises(ValidationError, match="退回"):
            machine().check("checked", "filed", reason="   ")
        assert machine().check("checked", "filed", reason="材料不全").kind == "back"

    def test_final_same_unknown_and_undeclared_moves_are_refused(self):
        flow = machine()
        with pytest.raises(ValidationError, match="最终状态"):
            flow.check("void", "draft", reason="x")
        with pytest.raises(ValidationError, match="已处于"):
            flow.check("filed", "filed")
        with pytest.raises(ValidationError, match="未知"):
            flow.check("filed", "nonsense")
        without_back = StateMachine(name="x", states=STATES, transitions=ordered_moves(ORDER, back=None))
        with pytest.raises(ValidationError, match="不能从“已核”变更为“已报”"):
            without_back.check("checked", "filed", reason="x")

    def test_declaration_errors_surface_at_once(self):
        with pytest.raises(ImproperlyConfigured, match="unknown state"):
            StateMachine(name="x", states=STATES, transitions=[Transition("draft", "nowhere")])
        with pytest.raises(ImproperlyConfigured, match="twice"):
            StateMachine(name="x", states=STATES, transitions=[Transition("draft", "filed")] * 2)

    def test_targets_follow_the_declaration(self):
        assert machine().targets("filed") == ["draft", "checked", "closed", "void"]


class TestWhoMayTake:
    def test_a_permission_code_is_judged_by_permits(self):
        flow = machine()
        move = flow.check("draft", "filed")
        assert flow.may_take(Who("科员", {"flow.move"}), move, None)
        with pytest.raises(PermissionDenied):
            flow.authorize(Who("访客"), move, None)

    def test_a_callable_decides_by_itself(self):
        flow = machine()
        move = flow.check("filed", "void", reason="重复")
        assert flow.may_take(Who("主任"), move, None)
        assert not flow.may_take(Who("科员", {"flow.move"}), move, None)

    def test_a_code_without_permits_is_a_configuration_error(self):
        flow = StateMachine(name="x", states=STATES, transitions=[Transition("draft", "filed", permission="a.b")])
        with pytest.raises(ImproperlyConfigured):
            flow.may_take(Who("科员"), flow.check("draft", "filed"), None)


@pytest.mark.django_db
class TestHistoryAndAudit:
    def test_apply_writes_the_state_one_history_row_and_one_audit_row(self, monkeypatch):
        written = []
        monkeypatch.setattr(hooks.audit_record, "_function", lambda *args, **kwargs: written.append((args, kwargs)))
        day = CalendarDay.objects.create(date=date(2031, 5, 6), kind="draft")
        flow = machine()
        actor = Who("科员", {"flow.move"})
        row = flow.apply(day, "checked", actor=actor, state_field="kind", reason="  已核实 ",
                         effective_on=date(2031, 5, 7))
        day.refresh_from_db()
        assert day.kind == "checked"
        stored = TransitionRecord.objects.get()
        assert stored.pk == row.pk and stored.target == day
        assert (stored.machine, stored.from_state, stored.to_state, stored.kind) == ("test.flow", "draft",
                                                                                     "checked", "skip")
        assert (stored.reason, stored.effective_on) == ("已核实", date(2031, 5, 7))
        [(args, kwargs)] = written
        assert args == (actor, "test.flow", day) and kwargs["changes"] == {"state": ["draft", "checked"]}
        [labelled] = flow.history(day)
        assert (labelled.from_label, labelled.to_label) == ("草稿", "已核")

    def test_a_refused_transition_changes_and_records_nothing(self, monkeypatch):
        monkeypatch.setattr(hooks.audit_record, "_function", lambda *args, **kwargs: None)
        day = CalendarDay.objects.create(date=date(2031, 5, 6), kind="draft")
        with pytest.raises(PermissionDenied):
            machine().apply(day, "filed", actor=Who("访客"), state_field="kind")
        day.refresh_from_db()
        assert day.kind == "draft" and not TransitionRecord.objects.exists()

    def test_the_real_audit_writer_is_registered_and_nothing_runs_unaudited(self, monkeypatch):
        from zoneops.audit.services import audit_record

        assert hooks.audit_record._function is audit_record
        monkeypatch.setattr(hooks.audit_record, "_function", None)
        with pytest.raises(ImproperlyConfigured):
            hooks.audit_record(Who("科员"), "x.y")

    def test_a_transition_never_goes_unaudited(self, monkeypatch):
        monkeypatch.setattr(hooks.audit_record, "_function", None)
        day = CalendarDay.objects.create(date=date(2031, 5, 6), kind="draft")
        with pytest.raises(ImproperlyConfigured):
            machine().apply(day, "filed", actor=Who("科员", {"flow.move"}), state_field="kind")
        day.refresh_from_db()
        assert day.kind == "draft" and not TransitionRecord.objects.exists()
