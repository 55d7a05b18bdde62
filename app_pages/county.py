"""County layout 县域布局: a region's boundary and layers, legend, popups, and a filtered table.

Session keys owned here: ``county_dem`` (elevation toggle), ``county_pick`` (a prefecture's county:
zooms the map to it and filters the table), ``county_filter_*`` (table filters).
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _ui
from atlas import app_data, labels, maps

ctx = _ui.context()
st.title(f"{ctx.region_name} · 县域布局 County layout")
st.caption(ctx.region_label)
docs = _ui.documents(ctx)
year_options = app_data.year_options(docs, ctx.region_code)
year = _ui.pick_or_all(
    "文件年份 Document year",
    year_options,
    key=f"county_year_{ctx.region_code}",
    default=app_data.default_year([None, *year_options]),
    all_label="全部年份 All years",
    help="地图和要素表只显示所选年份文件中的要素 The map and table show the features of that year's documents.",
)
layers = app_data.layers_for_years(  # this region's features only (indexed read), of the chosen year
    _ui.region_layers(ctx, (ctx.region_code,)),
    {ctx.region_code: year},
    dict(zip(docs["doc_id"].astype(str), docs["year"], strict=True)),
)

show_dem = st.toggle("显示高程 Show elevation (DEM, 0.2°)", key="county_dem")
counties = dict(maps.counties_of(ctx.region_code))
focus = None
if counties:  # a prefecture's plan: pick one of its counties
    options = ["", *counties]
    if st.session_state.get("county_pick") not in options:  # another prefecture was picked
        st.session_state.pop("county_pick", None)
    focus = (
        st.selectbox(
            "县区 County",
            options,
            format_func=lambda c: f"{counties[c]} ({c})" if c else "全市 Whole prefecture",
            key="county_pick",
        )
        or None
    )
with _ui.guard("县域地图 County map"):
    evidence = _ui.evidence(ctx.layers_dir, ctx.signature, ctx.region_code)
    overlay = _ui.dem_overlay(ctx.region_code) if show_dem else None
    fmap = maps.region_map(
        layers,
        ctx.region_code,
        basemap=ctx.basemap,
        evidence=evidence,
        overlay=overlay,
        asset_base_url=_ui.asset_base_url(),
        focus=focus,
    )
    st_folium(fmap, key="county_map", height=600, use_container_width=True, returned_objects=[])
    if not evidence:
        st.caption("未找到源文件，弹窗不含原文 Source documents not found: popups show the layer facts only.")

st.subheader("要素 Features")
with _ui.guard("要素表 Feature table"):
    table = app_data.feature_table(layers, ctx.region_code)
    if focus:
        table = table[table["county_code"].astype(str) == focus]
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
            label,
            options[field],
            key=f"county_filter_{field}",
            placeholder="全部 All",
            format_func=labels.labelled(field),
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
        labels.labelled_frame(shown),
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

st.subheader("文件与年份 Documents by year")
with _ui.guard("文件年表 Documents by year"):
    index = _ui.feature_index(ctx)
    by_year = app_data.documents_by_year(docs, index, ctx.region_code)
    counts = app_data.timeline(index, docs, ctx.region_code)
    if len(counts) and counts["year"].nunique() > 1:
        st.altair_chart(app_data.timeline_chart(counts), width="stretch")
    st.dataframe(
        by_year,
        hide_index=True,
        width="stretch",
        column_config={
            "year": st.column_config.NumberColumn("年份 Year", format="%d"),
            "title": st.column_config.TextColumn("标题 Title", width="large"),
            "kind": "类型 Kind",
            "doc_id": "编号 ID",
            "n_parks": "公园 Parks",
            "n_red_lines": "红线 Red lines",
            "n_corridors": "廊道 Corridors",
            "n_eco_zones": "生态区 Eco zones",
            "n_structure": "结构 Structure",
        },
    )

st.subheader("提及 Mentions")
with _ui.guard("提及 Mentions"):
    named_often = table[table["mentions"] > 1]
    if named_often.empty:
        st.caption("每个要素只提及一次 Every feature is named once in its document.")
    else:
        labels = {
            str(fid): f"{name} ×{n}"
            for fid, name, n in zip(
                named_often["id"], named_often["name"], named_often["mentions"], strict=True
            )
        }
        if st.session_state.get("county_mentions_feature") not in labels:
            st.session_state.pop("county_mentions_feature", None)
        picked = st.selectbox(
            "要素 Feature (named more than once)",
            list(labels),
            format_func=lambda fid: labels[fid],
            key="county_mentions_feature",
        )
        row = app_data.feature_row(layers, picked) if picked else None
        sentences = []
        if row is not None:  # the picked feature's own source text only
            texts = _ui.workspace_texts(ctx.signature, [str(row.get("source_file") or "")])
            sentences = app_data.mention_evidence(row, texts=texts)
        if not sentences:
            st.caption("未找到源文件 Source document not found: offsets only.")
        for k, ev in enumerate(sentences, start=1):
            st.text(f"{k}. {ev.text}")
