"""Password rules beyond Django's own (等保2.0: complexity)."""

import re

from django.core.exceptions import ValidationError

_CLASSES = (
    ("小写字母", re.compile(r"[a-z]")),
    ("大写字母", re.compile(r"[A-Z]")),
    ("数字", re.compile(r"\d")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)


class CharacterClassesValidator:
    """Require characters from at least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _label, pattern in _CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        kinds = "、".join(label for label, _ in _CLASSES)
        return f"密码须包含{kinds}中至少{self.min_classes}类字符。"
