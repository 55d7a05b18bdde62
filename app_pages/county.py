"""County layout 县域布局: a region's boundary and layers, legend, popups, and a filtered table."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _ui
from atlas import app_data, maps
from atlas.models import THEMES

ctx = _ui.context()
st.title(f"{ctx.region_name} · 县域布局 County layout")
st.caption(ctx.region_label)

show_dem = st.toggle("显示高程 Show elevation (DEM, 0.2°)", key="county_dem")
with _ui.guard("县域地图 County map"):
    evidence = _ui.evidence(ctx.layers_dir, ctx.signature, ctx.region_code)
    overlay = _ui.dem_overlay(ctx.region_code) if show_dem else None
    fmap = maps.region_map(
        ctx.layers,
        ctx.region_code,
        basemap=ctx.basemap,
        evidence=evidence,
        overlay=overlay,
        asset_base_url=_ui.asset_base_url(),
    )
    st_folium(fmap, key="county_map", height=600, use_container_width=True, returned_objects=[])
    if not evidence:
        st.caption("未找到源文件，弹窗不含原文 Source documents not found: popups show the layer facts only.")

st.subheader("要素 Features")
with _ui.guard("要素表 Feature table"):
    table = app_data.feature_table(ctx.layers, ctx.region_code)
    options = app_data.filter_options(table)
    cols = st.columns(4)
    picked = {}
    for col, (field, label) in zip(
        cols,
        (
            ("theme", "主题 Theme"),
            ("kind", "类型 Kind"),
            ("status", "状态 Status"),
            ("precision", "精度 Precision"),
        ),
        strict=True,
    ):
        _ui.keep_valid(f"county_filter_{field}", options[field])
        picked[field] = col.multiselect(
            label, options[field], key=f"county_filter_{field}", placeholder="全部 All"
        )
    shown = app_data.filter_features(
        table,
        themes=picked["theme"] or None,
        kinds=picked["kind"] or None,
        statuses=picked["status"] or None,
        precisions=picked["precision"] or None,
    )
    st.caption(f"{len(shown)} / {len(table)} 个要素 features")
    st.dataframe(
        shown.assign(
            theme=shown["theme"].map(lambda t: maps.THEME_STYLES.get(t, (t,))[0] if t in THEMES else t)
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "theme": "主题 Theme",
            "name": "名称 Name",
            "kind": "类型 Kind",
            "level": "级别 Level",
            "status": "状态 Status",
            "precision": "精度 Precision",
            "county_name": "所在县区 County",
            "county_code": "县区代码 County code",
            "doc_id": "文件 Document",
            "source_file": "源文件 Source file",
            "char_start": "起 Start",
            "char_end": "止 End",
            "id": "ID",
        },
    )
