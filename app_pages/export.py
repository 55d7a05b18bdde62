"""Export 导出: choose layers, regions and a format, and download (always WGS84)."""

from __future__ import annotations

import streamlit as st

from app_pages import _ui
from atlas import app_data
from atlas.layers import LAYERS
from atlas.models import THEMES

ctx = _ui.context()
st.title("导出 Export")
st.caption("导出的坐标均为 WGS84 (EPSG:4326)，与所选底图无关 Exports are WGS84 whatever basemap is shown.")

available = [name for name in LAYERS if name in ctx.layers]
if "export_layers" not in st.session_state:
    st.session_state["export_layers"] = [t for t in THEMES if t in available]
if "export_regions" not in st.session_state:
    st.session_state["export_regions"] = [ctx.region_code]

_ui.keep_valid("export_layers", available)
_ui.keep_valid("export_regions", list(ctx.regions))
chosen = st.multiselect(
    "图层 Layers",
    available,
    format_func=lambda n: f"{app_data.LAYER_LABELS.get(n, n)} · {n}",
    key="export_layers",
)
region_codes = st.multiselect(
    "地区 Regions (留空为全部 empty = all)",
    list(ctx.regions),
    format_func=ctx.regions.get,
    key="export_regions",
)
fmt = st.radio(
    "格式 Format",
    list(app_data.EXPORT_FORMATS),
    format_func=lambda k: app_data.EXPORT_FORMATS[k][0],
    horizontal=True,
    key="export_format",
)

with _ui.guard("导出 Export"):
    if not chosen:
        st.info("请选择至少一个图层 Choose at least one layer.")
    else:
        export = app_data.export_layers(ctx.layers, chosen, region_codes=region_codes or None, fmt=fmt)
        counts = ", ".join(f"{k}: {v}" for k, v in export.feature_counts.items())
        st.write(f"**{export.file_name}** · {len(export.data) / 1024:.1f} KB · {counts}")
        st.download_button(
            "下载 Download",
            data=export.data,
            file_name=export.file_name,
            mime=export.mime,
            key="export_download",
            type="primary",
        )
