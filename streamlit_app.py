"""Plan Atlas app: the router and the shared frame (sidebar region picker and basemap choice).

Run with ``streamlit run streamlit_app.py`` (``make app``). The pages in ``app_pages/`` are thin: every
load, join, style and map build lives in ``atlas/`` (``atlas.app_data``, ``atlas.maps``).

The pages folder is deliberately not called ``pages/``: Streamlit still treats a ``pages/`` folder
next to the entry script as a v1 multipage app for the first run of a process (and for every
rerun under ``AppTest``), running a page without this router.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _ui

st.set_page_config(page_title="Plan Atlas 规划图集", layout="wide")  # no page_icon: icons are fetched online

navigation = st.navigation(
    [
        st.Page(_ui.PAGES["overview"], title="总览 Overview", default=True),
        st.Page(_ui.PAGES["county"], title="县域布局 County layout", url_path="county"),
        st.Page(_ui.PAGES["export"], title="导出 Export", url_path="export"),
        st.Page("app_pages/compare.py", title="地区对比 Compare", url_path="compare"),
        st.Page(_ui.PAGES["upload"], title="上传 Upload", url_path="upload"),
        st.Page(_ui.PAGES["review"], title="校正 Review", url_path="review"),
    ]
)
frame = _ui.sidebar()
if frame is not None:
    _ui.set_context(frame)
    navigation.run()
