"""Form helpers shared by every module."""

from django import forms
from django.core.exceptions import ValidationError


def bootstrap(form):
    """Give every widget Bootstrap's classes (one place, instead of per-form attrs)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
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
