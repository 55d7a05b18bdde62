"""Review 校正: place what the machine placed roughly — click the map or pick a gazetteer candidate,
or mark a false extraction "not a feature"; every correction is a user gazetteer entry, with undo.

The logic is in ``atlas.review`` and ``atlas.workspace``; this page shows it.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _ui
from atlas import maps, review

ctx = _ui.context()
ws = _ui.workspace()
st.title("校正 Review placements")
st.caption(
    "仅定位到县或地区的要素，最粗的在前。点击地图放置，或选择地名库候选，或标记为“不是要素”。"
    " Features placed only at their county or region, worst first: click the map to place one, pick a"
    " gazetteer candidate, or mark it 'not a feature'. Corrections apply to every document of the"
    " prefecture that names the place."
)

layers = _ui.workspace_layers()
items = review.review_items(layers)
message = st.session_state.pop("review_message", None)
if message:
    st.success(_ui.md(message))

if not ws.documents():
    st.info(
        "工作区还没有文件：先在“上传”页加入你的规划 The workspace is empty: add your plan on the Upload page first."
    )
    st.stop()

if not items:
    st.success("没有需要校正的要素 Nothing left to review: every feature is placed finer than its county.")
else:
    by_key = {i.key: i for i in items}
    if st.session_state.get("review_item") not in by_key:
        st.session_state["review_item"] = items[0].key
    st.caption(f"{len(items)} 个名称待校正 names to review")
    key = st.selectbox(
        "要素 Feature", options=list(by_key), format_func=lambda k: by_key[k].label, key="review_item"
    )
    item = by_key[key]
    st.write(
        f"**{_ui.md(item.name)}** · {item.theme} · 当前精度 precision now: `{item.precision}` · "
        f"{_ui.md(item.county_name or item.region_name)} · 文件 documents: {_ui.md(', '.join(item.doc_ids))}"
    )

    left, right = st.columns([3, 2])
    with left, _ui.guard("校正地图 Review map"):
        evidence = _ui.evidence(ctx.layers_dir, ctx.signature, item.region_code)
        fmap = maps.region_map(
            review.item_layers(layers, item),
            item.region_code,
            basemap=ctx.basemap,
            evidence=evidence,
            asset_base_url=_ui.asset_base_url(),
            picking=True,
        )
        clicked = st_folium(
            fmap,
            key=f"review_map_{key}",
            height=520,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
        point = (clicked or {}).get("last_clicked")
        if point:
            lon, lat = float(point["lng"]), float(point["lat"])
            st.write(f"点击位置 Clicked: {lon:.5f}, {lat:.5f}")
            if st.button("放在这里 Place here", type="primary", key="review_place_click"):
                with st.spinner("保存并重建 Saving and rebuilding…"), _ui.guard("放置 Place"):
                    cid = review.place_at_point(ws, item, lon, lat)
                    now = review.placement_summary(ws.rebuild().layers, item)
                    st.session_state["review_message"] = (
                        f"已放置 Placed {item.name} at {lon:.5f}, {lat:.5f} (correction #{cid}); now: {now}"
                    )
                    st.rerun()
        else:
            st.caption("在地图上点击要素的位置 Click where the feature is on the map.")

    with right:
        st.markdown("**地名库候选 Gazetteer candidates**")
        with _ui.guard("候选 Candidates"):
            cands = review.candidates(item)
            if not cands:
                st.caption("没有带坐标的候选 No candidate with coordinates.")
            else:
                labels = [review.candidate_label(c) for c in cands]
                pick = st.radio(
                    "候选 Candidate",
                    options=range(len(cands)),
                    format_func=lambda i: labels[i],
                    key=f"review_cand_{key}",
                )
                if st.button("用这个候选 Use this candidate", key="review_use_cand"):
                    with st.spinner("保存并重建 Saving and rebuilding…"):
                        cid = review.place_at_candidate(ws, item, cands[int(pick)])
                        now = review.placement_summary(ws.rebuild().layers, item)
                    st.session_state["review_message"] = (
                        f"已放置 Placed {item.name} at {labels[int(pick)]} (#{cid}); now: {now}"
                    )
                    st.rerun()
        st.markdown("**误识别 False extraction**")
        if st.button("不是要素 Not a feature", key="review_not_feature"):
            with st.spinner("保存并重建 Saving and rebuilding…"), _ui.guard("标记 Mark"):
                cid = review.mark_not_a_feature(ws, item)
                ws.rebuild()
                st.session_state["review_message"] = f"已标记 Marked {item.name} as not a feature (#{cid})"
                st.rerun()

st.subheader("我的校正 Your corrections")
corrections = ws.corrections()
if not corrections:
    st.caption("还没有校正 No corrections yet.")
else:
    for c in reversed(corrections):
        where = (
            "不是要素 not a feature"
            if c.is_mark
            else (f"{c.lon:.5f}, {c.lat:.5f}" if c.lon is not None else "line/area")
        )
        cols = st.columns([5, 1])
        cols[0].write(
            f"\\#{c.id} **{_ui.md(c.name)}** · {c.theme or '—'} · {where} · {c.adcode} · {c.created_at[:19]}"
        )
        if cols[1].button("撤销 Undo", key=f"review_undo_{c.id}"):
            with st.spinner("撤销并重建 Undoing and rebuilding…"), _ui.guard("撤销 Undo"):
                ws.undo(c.id)
                ws.rebuild()
                st.session_state["review_message"] = f"已撤销 Undid #{c.id} ({c.name})"
                st.rerun()
    st.caption("导出/导入 Export/import: `atlas gazetteer export FILE` / `atlas gazetteer import FILE`")
