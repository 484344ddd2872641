"""Enterprise names reduced to a comparison key, so near-identical names are found by one indexed lookup.

``name_key("陕西華為技術（深圳）有限責任公司")`` and ``name_key("陕西华为技术(深圳)有限公司")`` are equal:

- NFKC folds full-width letters, digits, spaces and brackets to half-width (（） → ());
- OpenCC (``t2s``) turns traditional characters into simplified ones (華為 → 华为);
- brackets and spaces are dropped, their content kept (华为技术(深圳) → 华为技术深圳);
- Latin letters are lower-cased and punctuation dropped (Co., Ltd. → coltd);
- the company-form suffix is dropped (股份有限公司, 有限责任公司, 有限公司, 股份公司, 公司; co ltd, inc, …).

A province or city prefix is kept: 渭南华为 and 华为 may be different companies.
"""

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

_T2S = OpenCC("t2s")
# Longest first, applied once at the end (after the Latin part is folded).
SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "责任公司", "公司",
            "coltd", "colimited", "limited", "ltd", "inc", "corporation", "corp", "gmbh", "llc", "co")
_DROP = re.compile(r"[\s()\[\]{}<>【】〔〕〈〉《》「」『』.,，。、·•'\"“”‘’&\-_/\\:;：；!?！？]+")
_KEEP_GROUP = "集团"  # "xx集团有限公司" → "xx集团": the group word tells a group apart from its company


@lru_cache(maxsize=4096)
def _simplified(text):
    return _T2S.convert(text)


def name_key(name):
    """The comparison key of an enterprise name (see the module docstring); "" for a blank name."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _simplified(text)
    text = _DROP.sub("", text)
    for suffix in SUFFIXES:
        if text.endswith(suffix):  # the longest suffix decides; a name that is only a suffix stays whole
            if len(text) > len(suffix):
                text = text[: -len(suffix)] + (_KEEP_GROUP if suffix == "集团有限公司" else "")
            break
    return text[:200]


def name_initials(name):
    """Pinyin initials of the simplified name, for typing ``hwjs`` to find 华为技术 (other characters dropped)."""
    text = _simplified(unicodedata.normalize("NFKC", name or "").lower())
    return "".join(part[0] for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if part)[:100]
