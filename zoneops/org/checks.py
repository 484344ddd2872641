"""Start-up check: every model that belongs to units declares how it is scoped (org.scope).

A model with a foreign key to ``org.Unit`` must declare ``scope_unit_fields`` (and get a
``ScopedManager``) or opt out with ``scope_unscoped = "why"``. Declared field paths must reach a
Unit (owner fields a person) through forward foreign keys only, so a scoped query never
multiplies rows.
"""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from zoneops.org.scope import SELF


def _unit_model():
    return apps.get_model("org", "Unit")


def _has_unit_foreign_key(model):
    unit = _unit_model()
    return any(field.many_to_one or field.one_to_one
               for field in model._meta.concrete_fields
               if field.is_relation and field.related_model is unit)


def _target(model, path):
    """The model a ``a__b__c`` path through forward foreign keys ends at, or None."""
    for name in path.split("__"):
        if name == "pk":
            return model
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not (field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete):
            return None
        model = field.related_model
    return model


def _error(model, msg, hint, id):
    return checks.Error(msg, hint=hint, obj=model, id=id)


def check_model_scope(model):
    label = model._meta.label
    unit, person = _unit_model(), apps.get_model(settings.AUTH_USER_MODEL)
    fields = getattr(model, "scope_unit_fields", None)
    reason = getattr(model, "scope_unscoped", None)
    if fields is None and reason is None:
        if model is unit or _has_unit_foreign_key(model):
            return [_error(model, f"{label} 有指向单位的外键，却未声明数据范围。",
                           'Declare scope_unit_fields = ("<unit fk>", ...) with objects = ScopedManager(), '
                           'or scope_unscoped = "<why this model needs no scope>".', "org.E001")]
        return []
    if fields is not None and reason is not None:
        return [_error(model, f"{label} 同时声明了 scope_unit_fields 和 scope_unscoped。",
                       "Keep one of them.", "org.E002")]
    if reason is not None:
        if not isinstance(reason, str) or not reason.strip():
            return [_error(model, f"{label}.scope_unscoped 必须写明理由。", "Give the reason as text.", "org.E003")]
        return []
    errors = []
    if not isinstance(fields, tuple) or not fields:
        return [_error(model, f"{label}.scope_unit_fields 必须是非空元组。", 'e.g. ("responsible_unit",)', "org.E004")]
    for path in fields:
        if path == SELF and model is unit:
            continue
        if _target(model, path) is not unit:
            errors.append(_error(model, f"{label}.scope_unit_fields 中的 {path!r} 没有经正向外键指向单位。",
                                 "Name a foreign-key path ending at org.Unit.", "org.E005"))
    for path in getattr(model, "scope_owner_fields", ()):
        if _target(model, path) is not person:
            errors.append(_error(model, f"{label}.scope_owner_fields 中的 {path!r} 没有经正向外键指向人员。",
                                 "Name a foreign-key path ending at the person model.", "org.E006"))
    if not callable(getattr(model._default_manager, "restrict", None)):
        errors.append(_error(model, f"{label} 的默认管理器没有 restrict()。",
                             "Use objects = ScopedManager() (zoneops.org.scope).", "org.E007"))
    return errors


@checks.register(checks.Tags.models)
def check_scope_declarations(app_configs=None, **kwargs):
    models = apps.get_models() if app_configs is None else [
        model for config in app_configs for model in config.get_models()]
    return [error for model in models for error in check_model_scope(model)]
