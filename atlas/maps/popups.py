"""Popups and tooltips: escaped HTML of a feature's facts and its evidence sentence."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from atlas.labels import (
    KIND_LABELS,
    LEVEL_LABELS,
    PRECISION_LABELS,
    STATUS_LABELS,
    Evidence,
    display_text,
    is_missing,
    labelled_value,
    theme_label,
)
from atlas.models import THEMES

log = logging.getLogger("atlas")

#: Extra properties shown in popups, per theme, with their labels.
_EXTRA_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "parks": (("place", "地点 Place"),),
    "red_lines": (
        ("statement", "表述 Statement"),
        ("area_km2", "面积 Area (km²)"),
        ("share_pct", "占比 Share (%)"),
        ("named_zone", "区域 Zone"),
    ),
    "corridors": (
        ("code", "编号 Code"),
        ("endpoints", "端点 Endpoints"),
        ("length_km", "示意长度 Length (km)"),
        ("leads_to", "通往 Leads to (beyond the map)"),
    ),
    "eco_zones": (("places", "涉及地点 Places"),),
    "structure": (("pattern", "格局 Pattern"), ("role", "角色 Role")),
}


def evidence_html(evidence: Evidence | str | None) -> str:
    """Escaped HTML of an evidence sentence, the mention wrapped in ``<mark>``."""
    if evidence is None:
        return ""
    if isinstance(evidence, str):
        evidence = Evidence(evidence)
    text = evidence.text
    a, b = evidence.start, evidence.end
    if a is not None and b is not None and 0 <= a < b <= len(text):
        body = html.escape(text[:a]) + "<mark>" + html.escape(text[a:b]) + "</mark>" + html.escape(text[b:])
    else:
        body = html.escape(text)
    return f'<div class="atlas-evidence"><b>原文 Evidence</b><br>{body}</div>'


def popup_html(props: Mapping[str, Any], *, evidence: Evidence | str | None = None) -> str:
    """Popup of one feature: name, theme, kind, level, status, precision, county, source, evidence.

    Every value is HTML-escaped; ``evidence`` (looked up from the source document at display
    time) is escaped too, with the mention highlighted.
    """
    theme = str(props.get("theme") or "")
    rows: list[tuple[str, str]] = [("主题 Theme", theme_label(theme))]
    if not is_missing(props.get("kind")):
        rows.append(("类型 Kind", labelled_value(props["kind"], KIND_LABELS)))
    if not is_missing(props.get("level")):
        rows.append(("级别 Level", labelled_value(props["level"], LEVEL_LABELS)))
    status = props.get("status")
    rows.append(
        ("状态 Status", "未注明 not stated" if is_missing(status) else labelled_value(status, STATUS_LABELS))
    )
    if not is_missing(props.get("precision")):
        rows.append(("精度 Precision", labelled_value(props["precision"], PRECISION_LABELS)))
    county = props.get("county_name")
    if not is_missing(county):
        code = props.get("county_code")
        rows.append(
            (
                "所在县区 County",
                f"{display_text(county)} ({display_text(code)})"
                if not is_missing(code)
                else display_text(county),
            )
        )
    for key, label in _EXTRA_FIELDS.get(theme, ()):
        if not is_missing(props.get(key)):
            rows.append((label, display_text(props[key])))
    source = " · ".join(
        display_text(props[k]) for k in ("doc_id", "source_file") if not is_missing(props.get(k))
    )
    if source:
        rows.append(("来源 Source", source))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    fid = html.escape(display_text(props.get("id", "")), quote=True)
    name = html.escape(display_text(props.get("name", "")))
    return (
        f'<div class="atlas-popup" data-feature-id="{fid}"><div class="atlas-popup-title">{name}</div>'
        f"<table>{table}</table>{evidence_html(evidence)}</div>"
    )


def tooltip_html(props: Mapping[str, Any]) -> str:
    """One escaped line: name · theme · precision."""
    parts = [display_text(props.get("name", ""))]
    theme = props.get("theme")
    if not is_missing(theme):
        parts.append(theme_label(str(theme)).split(" ")[0])
    if not is_missing(props.get("precision")):
        parts.append(PRECISION_LABELS.get(str(props["precision"]), str(props["precision"])).split(" ")[0])
    return html.escape(" · ".join(parts))


def region_popup_html(props: Mapping[str, Any], *, label: str, value: str) -> str:
    """Popup of a region on the overview: name, level, hierarchy, the mapped value, counts."""
    rows = [(label, value)]
    if not is_missing(props.get("level")):
        rows.append(("级别 Level", labelled_value(props["level"], LEVEL_LABELS)))
    hierarchy = " / ".join(
        display_text(props[k]) for k in ("province", "prefecture") if not is_missing(props.get(k))
    )
    if hierarchy:
        rows.append(("上级 Within", hierarchy))
    for theme in THEMES:
        key = f"n_{theme}"
        if not is_missing(props.get(key)):
            rows.append((theme_label(theme), display_text(props[key])))
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    code = html.escape(display_text(props.get("region_code", "")), quote=True)
    name = html.escape(display_text(props.get("name", "")))
    return (
        f'<div class="atlas-popup" data-region-code="{code}"><div class="atlas-popup-title">{name} ({code})</div>'
        f"<table>{table}</table></div>"
    )


def group_popup_html(
    title: str,
    note: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    evidence: Mapping[str, Evidence | str] | None = None,
) -> str:
    """Popup of a symbol standing for several features (a county's count, a region's statements):
    a title, what the symbol means, then each feature with its facts and evidence, escaped."""
    items = []
    for row in rows:
        fid = html.escape(display_text(row.get("id", "")), quote=True)
        facts = []
        theme = str(row.get("theme") or "")
        if not is_missing(row.get("kind")):
            facts.append(labelled_value(row["kind"], KIND_LABELS))
        status = row.get("status")
        facts.append("未注明 not stated" if is_missing(status) else labelled_value(status, STATUS_LABELS))
        for key, label in _EXTRA_FIELDS.get(theme, ()):
            if not is_missing(row.get(key)):
                facts.append(f"{label.split(' ')[0]} {display_text(row[key])}")
        name = html.escape(display_text(row.get("name", "")))
        items.append(
            f'<div class="atlas-agg-item" data-feature-id="{fid}"><b>{name}</b> · '
            f"{html.escape(' · '.join(facts))}{evidence_html((evidence or {}).get(display_text(row.get('id', ''))))}</div>"
        )
    return (
        f'<div class="atlas-popup atlas-group-popup" data-count="{len(rows)}">'
        f'<div class="atlas-popup-title">{html.escape(title)}</div>'
        f'<div class="atlas-legend-note">{html.escape(note)}</div>'
        f'<div class="atlas-agg-list">{"".join(items)}</div></div>'
    )
