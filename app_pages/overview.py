"""Overview 总览: the regions of one level on one map for a year or range, the documents, open a region."""

from __future__ import annotations

import streamlit as st

from app_pages import _ui
from atlas import app_data, maps, store

MAP_KEY = "overview_map"

ctx = _ui.context()
st.title("总览 Overview")
st.caption(
    "一个行政级别的地区，按所选年份文件中的要素着色 The regions of one level, coloured by what their "
    "documents of the chosen years say; a region with no document in those years has no data (not zero)."
)

docs = _ui.documents(ctx)
region_rows = _ui.region_rows(ctx)
levels = app_data.level_options(region_rows)
span = store.year_range(docs)

left, right = st.columns([1, 2])
level = _ui.pick_or_all(
    "级别 Level",
    list(levels),
    key="overview_level",
    default=app_data.default_level(levels),
    all_label=f"全部级别 All levels ({sum(levels.values())})",
    format_func=lambda v: f"{app_data.LEVEL_LABELS.get(v, v)} ({levels[v]})",
    all_last=True,
    where=left,
)
years: tuple[int, int] | None = None
if span is not None and span[0] < span[1]:
    if not isinstance(st.session_state.get("overview_years"), tuple | list) or not all(
        span[0] <= y <= span[1] for y in st.session_state["overview_years"]
    ):
        st.session_state["overview_years"] = span
    picked = right.slider(
        "文件年份 Document years", min_value=span[0], max_value=span[1], key="overview_years"
    )
    years = (int(picked[0]), int(picked[1]))
elif span is not None:
    right.caption(f"文件年份 Document year: {span[0]}")


@st.cache_data(show_spinner="绘制地图 Drawing the map…", max_entries=16)
def _map(
    layers_dir: str,
    signature: tuple,
    level,
    simplify: float,
    years,
    metric: str,
    label: str,
    basemap: str,
    base_url: str,
) -> dict:
    """The overview map of one selection, rendered once (a national map takes seconds to build
    and its Leaflet HTML a tenth of a second per rerun to render)."""
    regions = _ui.overview_regions(layers_dir, signature, level, simplify)
    values = app_data.metric_values_in_years(
        regions,
        metric,
        index=_ui._feature_index(layers_dir, signature),
        docs=_ui._documents(layers_dir, signature),
        years=years,
    )
    fmap = maps.overview_map(
        regions, values, label=label, basemap=basemap, tolerance=simplify, asset_base_url=base_url
    )
    return _ui.folium_parts(fmap, MAP_KEY)


@st.cache_data(show_spinner=False, max_entries=16)
def _documents_table(layers_dir: str, signature: tuple, years):
    """The documents of the years with their feature counts (one table per selection)."""
    docs = _ui._documents(layers_dir, signature)
    return app_data.documents_table_from_index(
        store.documents_in_years(docs, years), _ui._feature_index(layers_dir, signature)
    )


with _ui.guard("总览地图 Overview map"):
    simplify = app_data.overview_tolerance(levels[level] if level else sum(levels.values()))
    regions = _ui.overview_regions(ctx.layers_dir, ctx.signature, level, simplify)
    metrics = app_data.metric_options(regions)
    if st.session_state.get("overview_metric") not in metrics:
        st.session_state["overview_metric"] = "eco"
    metric = st.selectbox(
        "着色依据 Colour by", options=list(metrics), format_func=metrics.get, key="overview_metric"
    )
    label = metrics[metric] + (f" · {years[0]}–{years[1]}" if years else "")
    base_url = _ui.asset_base_url()
    parts = _map(ctx.layers_dir, ctx.signature, level, simplify, years, metric, label, ctx.basemap, base_url)
    clicked = _ui.show_folium(parts, key=MAP_KEY, height=520, returned_objects=["last_object_clicked"])
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
    table = _documents_table(ctx.layers_dir, ctx.signature, years)
    st.caption(f"{len(table)} 份文件 documents" + (f" ({years[0]}–{years[1]})" if years else ""))
    st.dataframe(
        table,
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
