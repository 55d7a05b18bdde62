"""Styles and legends: theme colours, precision shapes, the CSS, and the one legend builder."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from atlas.labels import (
    PRECISION_LABELS,
    THEME_STYLES,
    theme_color,
    theme_label,
)
from atlas.maps.basemaps import (
    Basemap,
    _datum_note,
)
from atlas.models import PRECISIONS

log = logging.getLogger("atlas")


_MARKER_PX = 14
#: Size (px) of a county symbol (the count of a theme's features known only to the county).
_COUNT_PX = 22
_BOUNDARY_COLOR = "#37474f"
#: County boundaries inside a prefecture, and the reference overlay (light, under the layers).
_COUNTY_COLOR = "#78909c"
_REFERENCE_COLOR = "#9e9e9e"
_RIVER_COLOR = "#7fa8d1"
_NODATA_COLOR = "#bdbdbd"
_BLANK_BACKGROUND = "#f3f1ea"


def _css() -> str:
    rules = [
        f".leaflet-container.atlas-blank{{background:{_BLANK_BACKGROUND};}}",
        ".atlas-marker{background:transparent;border:none;}",
        ".atlas-marker .atlas-shape{display:block;box-sizing:border-box;width:100%;height:100%;"
        "border:2px solid #1b1b1b;border-radius:50%;}",
        ".atlas-marker.atlas-prec-town .atlas-shape{border-radius:2px;transform:rotate(45deg) scale(0.86);}",
        ".atlas-marker.atlas-prec-county .atlas-shape{border-style:dashed;}",
        ".atlas-marker.atlas-prec-region .atlas-shape{border-style:dashed;border-radius:1px;}",
        ".atlas-legend{background:rgba(255,255,255,0.94);padding:6px 9px;border-radius:5px;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.35);font:12px/1.45 'Noto Sans CJK SC','Microsoft YaHei',"
        "'PingFang SC',sans-serif;color:#222;max-width:290px;max-height:60vh;overflow:auto;}",
        ".atlas-legend-title{font-weight:bold;margin:2px 0 3px;}",
        ".atlas-legend-fold>summary{cursor:pointer;font-weight:bold;}",
        ".atlas-legend-fold>summary+.atlas-legend-title{display:none;}",
        ".leaflet-container.atlas-picking{cursor:crosshair;}",
        ".leaflet-control-layers-expanded{font:12px/1.5 'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',"
        "sans-serif;padding:4px 8px;}",
        ".atlas-legend-row{display:flex;align-items:center;gap:6px;white-space:nowrap;}",
        ".atlas-legend-note{color:#555;font-size:11px;white-space:normal;margin-top:3px;}",
        ".atlas-legend .atlas-marker{display:inline-block;position:relative;width:13px;height:13px;flex:none;}",
        ".atlas-swatch{display:inline-block;width:16px;height:11px;flex:none;border:1px solid #444;}",
        ".atlas-line{display:inline-block;width:18px;height:0;flex:none;border-top:3px solid #444;}",
        ".atlas-line.dashed{border-top-style:dashed;}",
        ".atlas-ramp{display:inline-block;width:120px;height:10px;flex:none;border:1px solid #444;}",
        ".atlas-popup{font:13px/1.5 'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;}",
        ".atlas-popup-title{font-weight:bold;font-size:14px;margin-bottom:3px;}",
        ".atlas-popup table{border-collapse:collapse;}",
        ".atlas-popup th{text-align:left;color:#555;font-weight:normal;padding:0 8px 0 0;"
        "vertical-align:top;white-space:nowrap;}",
        ".atlas-evidence{margin-top:5px;padding:4px 6px;background:#f6f6f2;border-left:3px solid #999;"
        "max-height:9em;overflow:auto;}",
        ".atlas-evidence mark{background:#fff3a0;}",
        ".atlas-swatch.atlas-nodata{background:repeating-linear-gradient(45deg,#e0e0e0 0 3px,#fafafa 3px 6px);}",
        ".atlas-aggregate .atlas-shape{border-radius:4px;border-style:dashed;color:#111;font:bold 11px/18px "
        "sans-serif;text-align:center;}",
        ".atlas-legend .atlas-aggregate{width:18px;height:14px;}",
        ".atlas-badge{position:absolute;top:-8px;left:9px;min-width:9px;padding:0 3px;background:#fff;"
        "border:1px solid #1b1b1b;border-radius:7px;font:bold 9px/11px sans-serif;color:#111;"
        "text-align:center;pointer-events:none;}",
        ".atlas-legend .atlas-aggregate .atlas-shape{font-size:9px;line-height:10px;}",
        ".atlas-swatch.atlas-hatch{background:repeating-linear-gradient(45deg,#d32f2f 0 1.5px,transparent 1.5px "
        "5px);border:2px dashed #d32f2f;}",
        ".atlas-county-label,.atlas-reference-label{background:transparent;border:none;white-space:nowrap;"
        "text-align:center;pointer-events:none;}",
        ".atlas-county-label span{font:12px/1.2 'Noto Sans CJK SC',sans-serif;color:#37474f;"
        "text-shadow:0 0 3px #fff,0 0 3px #fff;}",
        ".atlas-reference-label span{font:11px/1.2 'Noto Sans CJK SC',sans-serif;color:#8a8a8a;"
        "text-shadow:0 0 2px #fff;}",
        ".atlas-agg-item{border-top:1px solid #eee;padding:3px 0;}",
        ".atlas-agg-list{max-height:22em;overflow:auto;}",
        ".atlas-leads-to{background:transparent;border:none;white-space:nowrap;pointer-events:none;}",
        ".atlas-leads-to span{font:11px/1.2 'Noto Sans CJK SC',sans-serif;color:#e65100;"
        "text-shadow:0 0 3px #fff,0 0 3px #fff;}",
    ]
    for theme, (_, color) in THEME_STYLES.items():
        rules.append(f".atlas-theme-{theme} .atlas-shape{{background:{color};}}")
        rules.append(
            f".atlas-theme-{theme}.atlas-prec-county .atlas-shape,"
            f".atlas-theme-{theme}.atlas-prec-region .atlas-shape{{background:{color}55;border-color:{color};}}"
        )
        rules.append(f".atlas-swatch.atlas-theme-{theme}{{background:{color};}}")
    return "".join(rules)


def _path_style(theme: str, precision: str, geom_type: str) -> dict[str, Any]:
    color = theme_color(theme)
    vague = precision in ("county", "region")
    style: dict[str, Any] = {
        "color": color,
        "weight": 2,
        "opacity": 0.9,
        "fillColor": color,
        "fillOpacity": 0.06 if vague else 0.25,
        "className": f"atlas-feature atlas-theme-{theme} atlas-prec-{precision}",
    }
    if "Line" in geom_type:
        style.update(weight=3 if precision == "schematic" else 4, fillOpacity=0.0)
    if precision == "schematic" or vague:
        style["dashArray"] = "9 6" if precision == "schematic" else "5 5"
    if "Point" in geom_type:
        style.update(radius=6, fillOpacity=0.8)
    return style


def _legend_marker(theme: str | None, precision: str) -> str:
    cls = f"atlas-marker atlas-prec-{precision}" + (f" atlas-theme-{theme}" if theme else "")
    style = "" if theme else ' style="background:#9e9e9e"'
    return f'<span class="{cls}"><span class="atlas-shape"{style}></span></span>'


def legend_rows(counts: Mapping[str, int], precisions: Iterable[str]) -> list[str]:
    """Legend rows shared by every map: one per theme (with its feature count), then one per
    precision tier shown, then the two symbols that are not places (county counts, statements)."""
    rows = []
    for theme, n in counts.items():
        rows.append(
            f'<div class="atlas-legend-row" data-theme="{theme}" data-count="{int(n)}">'
            f'<span class="atlas-swatch atlas-theme-{theme}"></span>{html.escape(theme_label(theme))} ({int(n)})</div>'
        )
    present = set(precisions)
    shown = [p for p in PRECISIONS if p in present] or ["exact", "county"]
    rows.append('<div class="atlas-legend-title">位置精度 Precision</div>')
    for p in shown:
        if p == "schematic":
            sample = '<span class="atlas-line dashed"></span>'
        elif p in ("county", "region"):
            sample = '<span class="atlas-marker atlas-aggregate"><span class="atlas-shape" style="background:#e0e0e0">n</span></span>'
        else:
            sample = _legend_marker(None, p)
        label = PRECISION_LABELS[p]
        if p in ("county", "region"):  # drawn as a count at the label point, not as a place
            label = label.split(" (")[0] + ": 计数 count"
        rows.append(f'<div class="atlas-legend-row" data-precision="{p}">{sample}{html.escape(label)}</div>')
    if counts.get("red_lines"):
        rows.append(
            '<div class="atlas-legend-row" data-layer="statement"><span class="atlas-swatch atlas-hatch"></span>'
            f"{html.escape('红线表述 red-line statement (region, not its extent)')}</div>"
        )
    return rows


def _region_legend(
    counts: Mapping[str, int],
    precisions: Iterable[str],
    *,
    basemap: Basemap,
    region_label: str,
    overlay: Any = None,
    reference: str | None = None,
) -> str:
    rows = ['<div class="atlas-legend-title">图例 Legend</div>']
    rows.append(
        f'<div class="atlas-legend-row" data-layer="boundary"><span class="atlas-line" '
        f'style="border-top-color:{_BOUNDARY_COLOR}"></span>{html.escape(region_label)} 边界 boundary</div>'
    )
    rows.extend(legend_rows(counts, precisions))
    if overlay is not None:
        colors = ",".join(overlay.colormap.rgb_hex_str(v) for v in np.linspace(overlay.vmin, overlay.vmax, 7))
        rows.append(
            f'<div class="atlas-legend-row" data-layer="raster"><span class="atlas-ramp" '
            f'style="background:linear-gradient(to right,{colors})"></span>'
            f"{overlay.vmin:.0f}–{overlay.vmax:.0f}</div>"
            f'<div class="atlas-legend-note">{html.escape(overlay.caption)}</div>'
        )
    if reference:
        rows.append(f'<div class="atlas-legend-note" data-layer="reference">{html.escape(reference)}</div>')
    rows.append(_datum_note(basemap))
    return "".join(rows)
