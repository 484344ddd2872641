"""The one rule for showing a contact's phone to a role without enterprise.contact."""

import pytest

from zoneops.enterprises.selectors import mask_phone


@pytest.mark.parametrize(("phone", "shown"), [
    ("13912345678", "139****5678"),
    (" 029-8765 4321 ", "029****4321"),
    ("12345678", "123****5678"),
    ("1234567", "****"),  # too short to show any digits safely
    ("", ""),
    (None, ""),
    ("   ", ""),
])
def test_mask_phone_keeps_three_and_four_digits_of_a_long_number_only(phone, shown):
    assert mask_phone(phone) == shown
