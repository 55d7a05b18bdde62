"""Export 导出: choose layers, regions and a format, and download (always WGS84).

A change of selection only counts features (from the atlas's index); the file itself is written
to a temporary file when the download button is pressed, and reused for the same selection.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _ui
from atlas import app_data
from atlas.models import THEMES

ctx = _ui.context()
st.title("导出 Export")
st.caption("导出的坐标均为 WGS84 (EPSG:4326)，与所选底图无关 Exports are WGS84 whatever basemap is shown.")
store = _ui.store(ctx)

available = store.layer_names()
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


@st.cache_data(show_spinner=False, max_entries=256)
def _counts(layers_dir: str, signature: tuple, layers: tuple[str, ...], codes: tuple[str, ...]) -> dict:
    s = _ui._store(layers_dir, signature)
    return {n: s.count(n, region_codes=list(codes) or None) for n in layers}


with _ui.guard("导出 Export"):
    if not chosen:
        st.info("请选择至少一个图层 Choose at least one layer.")
    else:
        codes = list(region_codes) or None
        names = app_data.region_names(_ui.region_rows(ctx))
        file_name, mime = app_data.export_target(chosen, codes, names=names, fmt=fmt)
        counts = _counts(ctx.layers_dir, ctx.signature, tuple(chosen), tuple(region_codes))
        shown = ", ".join(f"{k}: {v}" for k, v in counts.items())
        st.write(f"**{file_name}** · {sum(counts.values())} 个要素 features · {shown}")
        layers_now, fmt_now = list(chosen), fmt

        def _file():  # runs when the button is pressed: the file is written then, not on every rerun
            return app_data.export_file(store, layers_now, codes, fmt=fmt_now).open("rb")

        st.download_button(
            "下载 Download",
            data=_file,
            file_name=file_name,
            mime=mime,
            key="export_download",
            type="primary",
            on_click="ignore",
        )
