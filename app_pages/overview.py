"""Overview 总览: every region of the atlas on one map, the documents table, open a region."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _ui
from atlas import app_data, maps

ctx = _ui.context()
regions = ctx.layers["regions"]
st.title("总览 Overview")
st.caption("图集中的全部地区，按所选指标着色 All regions of the atlas, coloured by the chosen value.")

with _ui.guard("总览地图 Overview map"):
    metrics = app_data.metric_options(regions)
    if st.session_state.get("overview_metric") not in metrics:
        st.session_state["overview_metric"] = "eco"
    metric = st.selectbox(
        "着色依据 Colour by", options=list(metrics), format_func=metrics.get, key="overview_metric"
    )
    values = app_data.metric_values(regions, metric)
    fmap = maps.overview_map(
        regions, values, label=metrics[metric], basemap=ctx.basemap, asset_base_url=_ui.asset_base_url()
    )
    clicked = st_folium(
        fmap,
        key="overview_map",
        height=520,
        use_container_width=True,
        returned_objects=["last_object_clicked"],
    )
    point = (clicked or {}).get("last_object_clicked")
    if point:
        hit = app_data.region_at(regions, point["lng"], point["lat"])
        if hit in ctx.regions and st.button(f"打开 Open {ctx.regions[hit]}", key="overview_open_clicked"):
            _ui.open_region(hit)

left, right = st.columns([3, 1], vertical_alignment="bottom")
choice = left.selectbox(
    "打开地区 Open a region", options=list(ctx.regions), format_func=ctx.regions.get, key="overview_pick"
)
if right.button("打开县域布局 Open county layout", key="overview_open", type="primary"):
    _ui.open_region(choice)

st.subheader("文件 Documents")
with _ui.guard("文件表 Documents table"):
    docs = app_data.documents_table(ctx.layers)
    st.dataframe(
        docs,
        hide_index=True,
        width="stretch",
        column_config={
            "doc_id": "编号 ID",
            "title": st.column_config.TextColumn("标题 Title", width="large"),
            "kind": "类型 Kind",
            "year": st.column_config.NumberColumn("年份 Year", format="%d"),
            "region_name": "地区 Region",
            "region_code": "代码 Adcode",
            "n_parks": "公园 Parks",
            "n_red_lines": "红线 Red lines",
            "n_corridors": "廊道 Corridors",
            "n_eco_zones": "生态区 Eco zones",
            "n_structure": "结构 Structure",
            "n_features": "合计 Total",
            "finer_share": st.column_config.ProgressColumn(
                "细于县级 Finer than county",
                help="定位精度细于县级的要素比例 Share of features placed finer than their county",
                format="percent",
                min_value=0.0,
                max_value=1.0,
            ),
        },
    )
