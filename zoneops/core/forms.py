"""Form helpers shared by every module."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from zoneops.core.errors import ConflictError, PermissionDenied
from zoneops.core.models import MISSING_VERSION_MESSAGE
from zoneops.core.money import plain_decimal, wan_to_yuan, yuan_to_wan


class WanField(forms.DecimalField):
    """A money input typed in 万元 (up to 4 decimals) and cleaned to integer 元 for MoneyField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return plain_decimal(yuan_to_wan(value, places=4))  # '500', never Decimal.normalize()'s '5E+2'
        return value

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        return wan_to_yuan(amount)


class VersionedFormMixin:
    """A form that edits a :class:`~zoneops.core.models.VersionedModel` row carries the row's version.

    The version the page was drawn with travels in a hidden ``version`` field (added when editing:
    ``version=…``, or a model form's saved instance) and reaches the service as ``expected_version``,
    so a stale edit is refused by ``save_versioned``. A missing or malformed version is a conflict shown
    on the form, never an edit without a check. Put the mixin before the form class.
    """

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = instance.version
        if version is not None:
            self.fields["version"] = forms.IntegerField(
                min_value=1, initial=version, widget=forms.HiddenInput,
                error_messages={"required": MISSING_VERSION_MESSAGE, "invalid": MISSING_VERSION_MESSAGE,
                                "min_value": MISSING_VERSION_MESSAGE})

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:  # hidden, so shown above the form rather than beside a field
            self.add_error(None, self.errors.pop("version"))
        return cleaned


def bootstrap(form):
    """Give every widget Bootstrap's classes (one place, instead of per-form attrs)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


def apply_errors(form, error):
    """Show a service's ValidationError on the form: on its fields where it names them."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        form.add_error(None, messages)
    return form


def run_on_form(form, call):
    """Call a service; show what it refused on the form. Returns its result, or None on failure."""
    try:
        return call()
    except ValidationError as error:
        apply_errors(form, error)
    except ConflictError as conflict:
        form.add_error(None, conflict.message)
    except PermissionDenied as denied:
        form.add_error(None, str(denied) or "您无权执行此操作。")
    return None
