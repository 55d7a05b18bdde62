"""Labels of every code the layers hold, shared by the maps, the app's tables and Compare.

``scenic_area`` → ``风景名胜区 scenic area``: one table per field, used by map popups and legends,
the app's tables and filters, and exports meant for people. The layers themselves keep the codes
(stable, machine-readable); labels are for display. A code without a label is shown as it is,
never hidden.

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

#: Precision tier → legend label.
PRECISION_LABELS: dict[str, str] = {
    "exact": "精确位置 exact place",
    "town": "乡镇位置 town (township centre)",
    "schematic": "示意线 schematic (between endpoints)",
    "county": "仅知县区 county only (near its centre)",
    "region": "仅知地区 region only (near its centre)",
    "unplaced": "未定位 unplaced (region unknown; not on the map)",
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
    "country": "全国 country",
}

#: Feature kind → Chinese name (popups show ``湿地公园 (wetland_park)``).
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

#: Feature kind → English words; with :data:`KIND_LABELS` they make the bilingual label.
KIND_ENGLISH: dict[str, str] = {
    "forest_park": "forest park",
    "wetland_park": "wetland park",
    "geopark": "geopark",
    "nature_reserve": "nature reserve",
    "scenic_area": "scenic area",
    "cultural_park": "cultural park",
    "heritage_park": "heritage park",
    "urban_park": "urban park",
    "mine_park": "mine park",
    "other_park": "other park",
    "expressway": "expressway",
    "high_speed_rail": "high-speed rail",
    "railway": "railway",
    "intercity_rail": "intercity rail",
    "national_road": "national road",
    "provincial_road": "provincial road",
    "county_road": "county road",
    "airport": "airport",
    "logistics": "logistics hub",
    "eco_function_zone": "ecological function zone",
    "eco_corridor": "ecological corridor",
    "eco_barrier": "ecological barrier",
    "watershed": "watershed",
    "water_source_protection": "water source protection area",
    "mountain": "mountain",
    "river": "river",
    "lake_reservoir": "lake / reservoir",
    "restoration_area": "restoration area",
    "red_line": "ecological red line",
    "other": "other",
}

_KIND_ZH_EXTRA = {"other_park": "其他公园", "red_line": "生态保护红线", "other": "其他"}

THEME_LABELS: dict[str, str] = {
    "documents": "文件 Documents",
    "regions": "地区 Regions",
    "parks": "公园与保护地 Parks & protected areas",
    "red_lines": "生态保护红线 Ecological red lines",
    "corridors": "交通廊道 Transport corridors",
    "eco_zones": "生态区域 Ecological zones",
    "structure": "空间结构 Spatial structure",
    "indicators": "规划指标 Indicator tables",
    "facts": "数值事实 Numeric facts",
}

#: Theme → (legend label, colour).
THEME_STYLES: dict[str, tuple[str, str]] = {
    theme: (THEME_LABELS[theme], colour)
    for theme, colour in (
        ("parks", "#2e7d32"),
        ("red_lines", "#d32f2f"),
        ("corridors", "#ef6c00"),
        ("eco_zones", "#00838f"),
        ("structure", "#7b1fa2"),
    )
}

ROLE_LABELS: dict[str, str] = {
    "core": "核 core",
    "axis": "轴 axis",
    "belt": "带 belt",
    "zone": "区 zone",
    "node": "节点 node",
    "other": "其他 other",
}

DOC_KIND_LABELS: dict[str, str] = {
    "fyp_outline": "五年规划纲要 five-year plan outline",
    "work_report": "政府工作报告 government work report",
    "article": "文章 article",
    "unknown": "未知 unknown",
}

ATTRIBUTE_LABELS: dict[str, str] = {"预期性": "预期性 expected", "约束性": "约束性 binding"}

REGION_SOURCE_LABELS: dict[str, str] = {"detected": "自动识别 detected", "user": "用户指定 given by the user"}

#: Shown for an empty value in tables and filters (the app's tables write empty codes as "—").
MISSING_LABEL = "— 未说明 not stated"
_MISSING_CODES = frozenset({"—", "-", "None", "nan"})

#: Field name → code → bilingual label. ``kind`` of documents uses :data:`DOC_KIND_LABELS`.
FIELD_LABELS: dict[str, Mapping[str, str]] = {
    "kind": {
        code: f"{KIND_LABELS.get(code) or _KIND_ZH_EXTRA[code]} {en}" for code, en in KIND_ENGLISH.items()
    },
    "level": LEVEL_LABELS,
    "status": STATUS_LABELS,
    "precision": PRECISION_LABELS,
    "theme": THEME_LABELS,
    "role": ROLE_LABELS,
    "attribute": ATTRIBUTE_LABELS,
    "region_source": REGION_SOURCE_LABELS,
    "region_level": LEVEL_LABELS,
}


def label(field: str, code: Any, *, layer: str | None = None) -> str:
    """The bilingual label of ``code`` in ``field`` (the code itself when none is known).

    >>> label("kind", "scenic_area")
    '风景名胜区 scenic area'
    >>> label("status", "under_construction")
    '在建 under construction'
    """
    if is_missing(code) or str(code) in _MISSING_CODES:
        return MISSING_LABEL
    text = str(code)
    table = DOC_KIND_LABELS if field == "kind" and layer == "documents" else FIELD_LABELS.get(field, {})
    return table.get(text, text)


def labelled(field: str, *, layer: str | None = None):
    """``label`` for one field, for ``Series.map`` and Streamlit's ``format_func``."""
    return lambda code: label(field, code, layer=layer)


def labelled_frame(frame: pd.DataFrame, *, layer: str | None = None) -> pd.DataFrame:
    """A display copy of a table with every coded column (kind, level, status…) as its labels."""
    out = frame.copy()
    for column in out.columns:
        if column in FIELD_LABELS and out[column].dtype == object:
            out[column] = out[column].map(labelled(str(column), layer=layer))
    return out


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


def labelled_value(value: Any, labels: Mapping[str, str]) -> str:
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
