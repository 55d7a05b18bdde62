"""Compare 地区对比: 2–4 regions side by side — maps at one scale, the table, charts, CSV, a shareable link.

The selection lives in the URL (``?regions=141082,140521``) so a comparison can be shared. Session
keys owned here: ``compare_regions`` (the picker), ``compare_saved`` (the last selection, so it
survives a visit to another page), ``compare_year_<adcode>`` (the document year of each region),
``compare_view``, ``compare_dem``, ``compare_transpose``.
Everything but the widgets lives in :mod:`atlas.compare`.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _ui
from atlas import app_data, compare, maps

KEY, SAVED, PARAM = "compare_regions", "compare_saved", "regions"
MAP_HEIGHT = 560

ctx = _ui.context()
st.title("地区对比 Compare regions")
st.caption(
    "并排比较各地规划中的生态保护内容 Put 2–4 regions side by side and see how their plans protect "
    "ecology. 未说明 = 规划未给出该数值 not stated in the plan (never counted as zero)."
)


@st.cache_resource(show_spinner=False)
def _raster():
    from atlas.raster import load_raster

    return load_raster()


@st.cache_data(show_spinner="计算对比表 Building the table…", max_entries=64)
def _table(layers_dir: str, signature: tuple, codes: tuple[str, ...], years: tuple, with_raster: bool):
    return compare.comparison_table(_layers(codes, years), codes, raster=_raster() if with_raster else None)


def _layers(codes: tuple[str, ...], years: tuple) -> dict:
    """These regions' layers (indexed read), each region cut to its chosen document year."""
    doc_years = dict(zip(docs["doc_id"].astype(str), docs["year"], strict=True))
    return app_data.layers_for_years(_ui.region_layers(ctx, codes), dict(years), doc_years)


from_url, ignored = compare.parse_region_param(st.query_params.get_all(PARAM), ctx.regions)
if ignored:
    st.warning(
        "链接中的以下地区不在图集中或超过 4 个，已忽略 Ignored in the link (not in the atlas, or more than 4): "
        + ", ".join(f"`{c}`" for c in ignored)
    )
if KEY not in st.session_state:
    saved = [c for c in st.session_state.get(SAVED, []) if c in ctx.regions]
    default = [ctx.region_code, *[c for c in ctx.regions if c != ctx.region_code][:1]]
    st.session_state[KEY] = from_url or saved or default
_ui.keep_valid(KEY, list(ctx.regions))

codes = st.multiselect(
    "对比地区 Regions to compare (2–4)",
    options=list(ctx.regions),
    format_func=lambda c: ctx.regions.get(c, c),
    max_selections=compare.MAX_REGIONS,
    key=KEY,
    placeholder="选择 2–4 个地区 Choose 2–4 regions",
)
st.session_state[SAVED] = list(codes)
if codes:
    st.query_params[PARAM] = ",".join(codes)
elif PARAM in st.query_params:
    del st.query_params[PARAM]

if len(codes) < 2:
    st.info("请至少选择两个地区 Choose at least two regions to compare.")
    st.stop()

st.caption(
    f"分享此对比 Share this comparison: `?{PARAM}={','.join(codes)}` (已写入地址栏 kept in the address bar)"
)
docs = _ui.documents(ctx)
year_cols = st.columns(len(codes))
chosen_years: list[tuple[str, int | None]] = []
for col, code in zip(year_cols, codes, strict=True):
    options = app_data.year_options(docs, code)
    year = _ui.pick_or_all(
        f"{ctx.regions.get(code, code)} · 年份 Year",
        options,
        key=f"compare_year_{code}",
        default=app_data.default_year([None, *options]),
        all_label="全部年份 All years",
        where=col,
    )
    chosen_years.append((code, year))
years_key = tuple(chosen_years)
layers = _layers(tuple(codes), years_key)

left, mid, right = st.columns([2, 2, 3], vertical_alignment="center")
view = left.segmented_control(
    "地图 Maps",
    options=["side", "combined"],
    format_func=lambda v: {"side": "并排 Side by side", "combined": "合并 Combined"}.get(v, v),
    default="side",
    key="compare_view",
)
with_raster = mid.toggle("高程统计 Elevation statistics (DEM)", value=True, key="compare_dem")

with _ui.guard("对比地图 Comparison maps"):
    evidence: dict = {}
    for code in codes:
        evidence.update(_ui.evidence(ctx.layers_dir, ctx.signature, code))
    base_url = _ui.asset_base_url()
    if view == "combined":
        fmap = maps.combined_map(
            layers, codes, basemap=ctx.basemap, evidence=evidence, asset_base_url=base_url
        )
        st.caption(
            "各地区以不同颜色标出 Regions colour-coded: outline and marker border in the region's colour."
        )
        st_folium(fmap, key="compare_map_combined", height=600, use_container_width=True, returned_objects=[])
    else:
        by_code, (width_km, height_km) = maps.comparison_maps(
            layers, codes, basemap=ctx.basemap, evidence=evidence, asset_base_url=base_url
        )
        st.caption(
            f"比例尺统一 Same scale on every map: each shows the same ground box, {width_km:.0f} km × "
            f"{height_km:.0f} km (the largest region's extent, measured about each region's centre), "
            "in a frame of the same size with fractional zoom — equal areas look equal; see the scale bars."
        )
        per_row = 2 if len(codes) == 4 else len(codes)
        for start in range(0, len(codes), per_row):
            row = codes[start : start + per_row]
            for col, code in zip(st.columns(per_row), row, strict=False):
                with col:
                    st.markdown(f"**{ctx.regions[code]}**")
                    st_folium(
                        by_code[code],
                        key=f"compare_map_{code}",
                        height=MAP_HEIGHT,
                        use_container_width=True,
                        returned_objects=[],
                    )

table = None
with _ui.guard("对比表 Comparison table"):
    table = _table(ctx.layers_dir, ctx.signature, tuple(codes), years_key, with_raster)

if table is not None:
    st.subheader("对比表 Comparison table")
    transpose = right.toggle("按项目逐行显示 Items as rows", value=False, key="compare_transpose")
    shown = compare.display_table(table, transpose=transpose)
    if transpose:
        st.dataframe(shown, width="stretch", height=min(38 * len(shown) + 40, 900))
    else:
        labels = compare.column_labels(table)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={k: st.column_config.TextColumn(v) for k, v in labels.items()},
        )
    st.caption(
        "计数为去重后的名称数（同一公园多次提及只计一次）Counts are of distinct names per region: a park "
        "mentioned five times is one park. 密度按等面积投影面积计算 Densities use the equal-area size."
    )
    file_name = compare.csv_file_name(table)
    st.download_button(
        "下载 CSV Download CSV",
        data=compare.comparison_csv(table, labels=True, na_rep=compare.NOT_STATED),
        file_name=file_name,
        mime="text/csv",
        key="compare_csv",
        help="UTF-8 (BOM)，表头中英文，缺失值写作「未说明 not stated」 bilingual headers, missing values spelled out",
    )
    st.caption(f"`{file_name}`")
    with st.expander("列说明 Column notes"):
        st.dataframe(compare.column_notes(table), hide_index=True, width="stretch")

    st.subheader("图表 Charts")
    with _ui.guard("图表 Charts"):
        tabs = st.tabs([title for title, _ in compare.CHARTS.values()])
        for tab, name in zip(tabs, compare.CHARTS, strict=True):
            with tab:
                chart = compare.comparison_chart(table, name)
                if chart is None:
                    st.info("所选地区的规划均未说明这些数值 None of these values is stated in the plans.")
                else:
                    st.altair_chart(chart, width="stretch" if name != "indicators" else "content")
                if name == "indicators":
                    lines = compare.not_stated_summary(table, name)
                    if lines:
                        st.caption("未说明（无柱）Not stated (no bar) — " + "; ".join(lines))
