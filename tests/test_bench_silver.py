"""The silver bench: its name matching and the silver files it scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import settings
from bench.silver import load_silver, normalise, same_name, score_names, verify


def test_names_match_equal_or_covering_seventy_percent() -> None:
    assert same_name(normalise("漓江 生态廊道"), normalise("漓江生态廊道"))
    assert same_name(normalise("青狮潭水库"), normalise("青狮潭水库库区"))  # 5 of 7
    assert not same_name(normalise("青狮潭"), normalise("青狮潭水库库区"))  # 3 of 7
    assert same_name(normalise("甲—乙高速"), normalise("甲-乙高速"))
    assert not same_name("", "甲")


def test_scores_count_distinct_names_and_aliases() -> None:
    items = [{"name": "雅鲁藏布江", "aliases": ["雅江"]}, {"name": "拉萨河", "aliases": []}]
    t = score_names(["雅江", "雅江", "年楚河"], items)
    assert (t.right, t.predicted, t.found, t.items) == (1, 2, 1, 2)
    assert t.misses == ["拉萨河"] and t.extras == ["年楚河"]
    p, r, f = t.prf()
    assert (p, r) == (0.5, 0.5) and f == pytest.approx(0.5)


@pytest.mark.skipif(
    not (settings.SHARED_DIR / "corpus").is_dir(), reason="../shared/corpus not found (set ATLAS_SHARED)"
)
def test_silver_offsets_hold_their_names() -> None:
    assert verify(load_silver(), Path(settings.SHARED_DIR) / "corpus") == []
