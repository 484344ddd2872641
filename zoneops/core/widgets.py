"""Searchable pickers: a <select> that renders only its selected option(s).

A unit, person or industry list can hold hundreds of rows at province scale; rendering them all in
every form and filter costs the page most of its time. :class:`PickerSelect` renders the empty
option and what is selected, with ``data-zo-picker="<url>"``; zoneops.js turns it into a Tom Select
(vendor/tom-select) that asks the URL for matches as the user types. The field still validates the
submitted value against its own (scoped) queryset or rule, so the picker cannot widen anything.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


class PickerMixin:
    def __init__(self, url, *, labels=None, empty_label=None, attrs=None):
        """``url``: the search endpoint (a str or reverse_lazy). ``labels``: for non-model choices, a
        callable taking the selected values and returning (value, label) pairs."""
        super().__init__(attrs)
        self.url, self.labels, self.empty_label = url, labels, empty_label

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-zo-picker": str(self.url)}
        if self.empty_label:
            attrs.setdefault("placeholder", self.empty_label)
        return super().get_context(name, value, attrs)

    def _pairs(self, selected):
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            pairs = []
            if choices.field.empty_label is not None and not self.allow_multiple_selected:
                pairs.append(("", choices.field.empty_label))
            keys = [value for value in selected if str(value).isdigit()]
            if keys:
                pairs += [choices.choice(obj) for obj in choices.queryset.filter(pk__in=keys)]
            return pairs
        pairs = [] if self.allow_multiple_selected else [("", self.empty_label or "")]
        if selected and self.labels:
            pairs += list(self.labels(selected))
        return pairs

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v not in (None, "")}
        groups = []
        for index, (option_value, label) in enumerate(self._pairs(selected)):
            option_value = "" if option_value is None else option_value
            chosen = str(option_value) in selected
            groups.append((None, [self.create_option(name, option_value, label, chosen, index, attrs=attrs)], index))
        return groups


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass
