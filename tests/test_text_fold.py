"""``fold`` through its substitution table gives what per-character NFKC gives."""

from __future__ import annotations

import unicodedata

from atlas.text import fold


def _per_character(text: str) -> str:
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def test_fold_equals_per_character_nfkc_over_the_whole_bmp():
    text = "".join(chr(c) for c in range(0x20, 0xD800)) + "".join(chr(c) for c in range(0xE000, 0x10000))
    assert fold(text) == _per_character(text)
    assert len(fold(text)) == len(text)


def test_fold_keeps_length_with_characters_beyond_the_bmp():
    text = "西双版纳（２０２１）\U0001d400㎡"
    assert fold(text) == "西双版纳(2021)A㎡"
