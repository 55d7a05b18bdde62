"""Plan Atlas app entry point (placeholder until the app issue lands): the regions of the atlas."""

from __future__ import annotations

import streamlit as st

from atlas import settings
from atlas._errors import AtlasError
from atlas.layers import read_layer

st.set_page_config(page_title="Plan Atlas 规划图集", layout="wide")
st.title("Plan Atlas 规划图集")
try:
    regions = read_layer(settings.LAYERS_DIR / "regions.geojson")
except AtlasError as exc:
    st.error(str(exc))
else:
    st.dataframe(regions.drop(columns="geometry"), hide_index=True)
