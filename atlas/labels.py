"""Labels shared by the maps, the app's tables and Compare: themes, precision, status, level, kind.

Also :class:`Evidence` (a source sentence with the mention located in it) and :func:`is_missing`
(what "not stated" means for a layer value). No map code here: ``atlas.app_data`` and
``atlas.compare`` use these without importing the map builders.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Theme → (legend label, colour).
THEME_STYLES: dict[str, tuple[str, str]] = {
    "parks": ("公园与保护地 Parks & protected areas", "#2e7d32"),
    "red_lines": ("生态保护红线 Ecological red lines", "#d32f2f"),
    "corridors": ("交通廊道 Transport corridors", "#ef6c00"),
    "eco_zones": ("生态区域 Ecological zones", "#00838f"),
    "structure": ("空间结构 Spatial structure", "#7b1fa2"),
}

#: Precision tier → legend label.
PRECISION_LABELS: dict[str, str] = {
    "exact": "精确位置 exact place",
    "town": "乡镇位置 town (township centre)",
    "schematic": "示意线 schematic (between endpoints)",
    "county": "仅知县区 county only (near its centre)",
    "region": "仅知地区 region only (near its centre)",
}

STATUS_LABELS: dict[str, str] = {
    "built": "已建成 built",
    "existing": "现有 existing",
    "under_construction": "在建 under construction",
    "planned": "规划 planned",
    "upgrade": "提升改造 upgrade",
}

LEVEL_LABELS: dict[str, str] = {
    "national": "国家级 national",
    "provincial": "省级 provincial",
    "municipal": "市级 municipal",
    "province": "省 province",
    "prefecture": "地级市 prefecture",
    "county": "县区 county",
}

KIND_LABELS: dict[str, str] = {
    "forest_park": "森林公园",
    "wetland_park": "湿地公园",
    "geopark": "地质公园",
    "nature_reserve": "自然保护区",
    "scenic_area": "风景名胜区",
    "cultural_park": "文化公园",
    "heritage_park": "遗址公园",
    "urban_park": "城市公园",
    "mine_park": "矿山公园",
    "expressway": "高速公路",
    "high_speed_rail": "高速铁路",
    "railway": "铁路",
    "intercity_rail": "城际铁路",
    "national_road": "国道",
    "provincial_road": "省道",
    "county_road": "县道",
    "airport": "机场",
    "logistics": "物流",
    "eco_function_zone": "生态功能区",
    "eco_corridor": "生态廊道",
    "eco_barrier": "生态屏障",
    "watershed": "流域",
    "water_source_protection": "水源保护区",
    "mountain": "山体",
    "river": "河流",
    "lake_reservoir": "湖库",
    "restoration_area": "修复区",
}


@dataclass(frozen=True)
class Evidence:
    """The sentence of a source document holding a mention.

    ``start``/``end`` locate the mention inside ``text`` (``None`` when it could not be found).
    """

    text: str
    start: int | None = None
    end: int | None = None
    source_file: str | None = None


def is_missing(value: Any) -> bool:
    """True for None, NaN, blank text and empty lists: a value the plan does not state."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, list | tuple | np.ndarray):
        return len(value) == 0
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def display_text(value: Any) -> str:
    if isinstance(value, list | tuple | np.ndarray):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def labelled(value: Any, labels: Mapping[str, str]) -> str:
    """``湿地公园 (wetland_park)`` for Chinese-only labels; bilingual labels that name the key as is."""
    text = display_text(value)
    label = labels.get(text)
    if not label:
        return text
    return label if text in label else f"{label} ({text})"


def theme_label(theme: str) -> str:
    """Legend label of a theme (the key itself for an unknown theme)."""
    return THEME_STYLES.get(theme, (theme, "#555555"))[0]


def theme_color(theme: str) -> str:
    """Colour of a theme (grey for an unknown theme)."""
    return THEME_STYLES.get(theme, (theme, "#555555"))[1]


#: What a red-line statement is about: the ecological red line itself, or one of the two wider
#: zoning frameworks that include it (三线一单: the "three lines, one list" environmental zoning;
#: 三区三线: the three spaces and three control lines of territorial planning).
STATEMENTS: tuple[tuple[str, str], ...] = (("三线一单", "三线一单"), ("三区三线", "三区三线"))


def statement_of(name: str) -> str:
    """``三线一单`` / ``三区三线`` when a red-line statement names that framework, else ``红线``."""
    text = unicodedata.normalize("NFKC", name or "")
    for key, label in STATEMENTS:
        if key in text:
            return label
    return "红线"


#: Statement label → column-key suffix (Compare counts each kind apart).
STATEMENT_KEYS: dict[str, str] = {
    "红线": "red_line",
    "三线一单": "three_lines_one_list",
    "三区三线": "three_zones_three_lines",
}
