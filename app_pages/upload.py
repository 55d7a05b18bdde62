"""Upload 上传: add your own plan to the workspace — see what was found, fix its region, then add it.

All reading, detection and storing is in ``atlas.upload`` (tested there: AppTest cannot drive
``file_uploader``); this page shows it.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from app_pages import _ui
from atlas import upload
from atlas.maps import THEME_STYLES
from atlas.models import THEMES

ctx = _ui.context()
ws = _ui.workspace()
st.title("上传 Upload your plan")
st.caption(
    "上传规划或政府工作报告（.txt .html .docx .pdf），先查看识别结果并更正地区，再加入工作区。"
    " Upload plans or work reports; check what was found, correct the region, then add them to your workspace."
)
st.caption(f"工作区 Workspace: `{ws.folder}`")

files = st.file_uploader(
    "选择文件 Choose files",
    type=["txt", "md", "html", "htm", "docx", "pdf"],
    accept_multiple_files=True,
    key="upload_files",
)


_STAGE_LABELS = {"read": "读取 read", "split": "拆分 split into documents", "extract": "抽取 extract"}
_CACHE_KEY = "_upload_previews"  # digest → Preview, so reruns do not read the files again

previews: list[upload.Preview] = []
if files:
    cache: dict[str, upload.Preview] = st.session_state.setdefault(_CACHE_KEY, {})
    wanted: set[str] = set()
    with st.status("读取文件 Reading the files…", expanded=True) as status:
        for f in files:
            data = f.getvalue()
            digest = f"{f.name}:{hashlib.sha256(data).hexdigest()}"
            wanted.add(digest)
            if digest not in cache:

                def progress(stage: str, done: int, total: int, label: str, name: str = f.name) -> None:
                    status.update(label=f"{name}: {_STAGE_LABELS.get(stage, stage)} {done}/{total}")
                    if done == total:
                        st.write(f"✓ {_ui.md(name)}: {_STAGE_LABELS.get(stage, stage)}")

                cache[digest] = upload.preview_upload(f.name, data, progress=progress)
            previews.append(cache[digest])
        for key in set(cache) - wanted:
            del cache[key]
        bad = [p for p in previews if not p.ok]
        n_docs = sum(len(p.documents) for p in previews)
        status.update(
            label=f"已读取 Read {len(previews)} file(s): {n_docs} document(s)"
            + (f", {len(bad)} file(s) cannot be used" if bad else ""),
            state="error" if bad and len(bad) == len(previews) else "complete",
            expanded=False,
        )

options = upload.region_options()
picks: dict[str, str | None] = {}
for p in previews:
    st.subheader(_ui.md(p.file_name))
    if p.error:
        st.error(f"无法使用此文件，未加入 Not added: {_ui.md(p.error)}")
        continue
    st.caption(f"{len(p.documents)} 个文件 document(s) · {p.size / 1000:.1f} KB")
    for d in p.documents:
        doc = d.document
        key = upload.region_key(p.file_name, doc.doc_id)
        with st.container(border=True):
            st.markdown(
                f"**{_ui.md(doc.title)}**  \n{_ui.md(doc.doc_id)} · 类型 kind `{doc.kind}` · 年份 year `{doc.year or '—'}`"
            )
            detected = d.region_code
            conf = f"{d.region_confidence:.0%}" if d.region_confidence is not None else "—"
            st.write(
                f"识别的地区 Detected region: **{options.get(detected, '未识别 unknown') if detected else '未识别 unknown'}**"
                f" · 置信度 confidence {conf}"
            )
            if d.region_evidence:
                st.caption("依据 Evidence: " + " · ".join(_ui.md(e) for e in d.region_evidence[:5]))
            widget = f"upload_region_{key}"
            default: dict[str, int | None] = {}
            if widget not in st.session_state:
                if detected in options:
                    st.session_state[widget] = detected
                else:
                    default["index"] = None
            picks[key] = st.selectbox(
                "地区（可更正）Region (correct it if wrong)",
                options=list(options),
                format_func=options.get,
                key=widget,
                placeholder="选择地区 Choose a region",
                **default,
            )
            counts = pd.DataFrame(
                [{"主题 Theme": THEME_STYLES[t][0], "数量 Count": d.counts.get(t, 0)} for t in THEMES]
            )
            st.dataframe(counts, hide_index=True)

good = [p for p in previews if p.ok]
if good:
    missing = [k for k, v in picks.items() if not v]
    if missing:
        st.warning(
            "有文件未选择地区，其要素将没有位置 Some documents have no region: their features get no place."
        )
    if st.button("加入工作区 Add to workspace", type="primary", key="upload_add"):
        with st.status("加入工作区 Adding to the workspace…", expanded=True) as status:

            def progress(stage: str, done: int, total: int, label: str) -> None:
                if done == total:
                    st.write(f"✓ {stage} ({total})")
                status.update(label=f"{stage} {done}/{total} {label}")

            with _ui.guard("加入工作区 Adding"):
                added = upload.add_previews(ws, good, regions=picks, progress=progress)
                status.update(
                    label=f"已加入 Added {len(added)} document(s)", state="complete", expanded=False
                )
                st.session_state["upload_added"] = added
        st.rerun()

added = st.session_state.get("upload_added")
if added:
    st.success(
        f"已加入 Added {len(added)} document(s): {_ui.md(', '.join(added))}. "
        "它们的地区已出现在每个页面 Their regions now appear on every page (sidebar, Overview, Compare)."
    )

st.subheader("工作区文件 Workspace documents")
docs = ws.documents()
if not docs:
    st.info("工作区还没有文件 No documents in the workspace yet.")
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "编号 ID": d.doc_id,
                    "标题 Title": d.title,
                    "类型 Kind": d.kind,
                    "年份 Year": d.year,
                    "地区 Region": d.region.name if d.region else "—",
                    "源文件 File": d.source_file,
                }
                for d in docs
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    if ws.is_stale():
        st.warning("工作区图层需要重建 The workspace layers are out of date.")
        if st.button("重建图层 Rebuild layers", key="upload_rebuild"):
            with st.spinner("重建 Rebuilding…"), _ui.guard("重建 Rebuild"):
                ws.rebuild()
            st.rerun()
