"""Streamlit glue shared by the router and the pages: cached loaders, the sidebar frame, errors.

Session-state keys owned here (each by one widget, initialised once): ``region`` (sidebar region
picker) and ``basemap`` (sidebar basemap picker). ``_open_region`` is a request from a page to
change the region, applied by :func:`sidebar` before the picker is drawn on the next run.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import folium.elements
import geopandas as gpd
import streamlit as st
import streamlit_folium

from atlas import app_data, assets, combined, maps, settings
from atlas._errors import AtlasError
from atlas.store import AtlasStore
from atlas.workspace import Workspace

log = logging.getLogger("atlas")

PAGES = {
    "overview": "app_pages/overview.py",
    "county": "app_pages/county.py",
    "export": "app_pages/export.py",
    "upload": "app_pages/upload.py",
    "review": "app_pages/review.py",
}

REGION_KEY = "region"
BASEMAP_KEY = "basemap"
_OPEN_KEY = "_open_region"


@dataclass(frozen=True)
class Context:
    """What every page needs: the atlas (read on demand), the chosen region and basemap.

    ``layers`` is a lazy mapping: a layer is read whole only when a page indexes it. Pages that
    show one region or a selection read through :func:`region_layers`, :func:`feature_index`
    and :func:`documents` instead, which read only that part and are cached per query.
    """

    layers: app_data.LazyLayers
    layers_dir: str
    signature: tuple
    region_code: str
    region_name: str
    region_label: str
    regions: dict[str, str]
    basemap: str


def workspace() -> Workspace:
    """The user's workspace (``ATLAS_WORKSPACE`` or the user data folder); created on first write."""
    return Workspace()


@st.cache_data(show_spinner="读取工作区 Loading the workspace…", max_entries=4)
def _load_workspace(folder: str, signature: tuple) -> dict[str, gpd.GeoDataFrame]:
    return Workspace(folder).layers()


def workspace_layers() -> dict[str, gpd.GeoDataFrame]:
    """The workspace's own layers, cached on its generation counters."""
    ws = workspace()
    return _load_workspace(str(ws.folder), ws.signature())


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(layers_dir: str, signature: tuple) -> AtlasStore:
    """The sample atlas, with the workspace's layers when it has any (``signature[-1]`` is the
    workspace's signature)."""
    sample = AtlasStore(layers_dir)
    store_path, _, built = signature[-1]
    if built < 0:
        return sample
    mine = Workspace(Path(store_path).parent).layers()
    if not len(mine["documents"]):
        return sample
    return combined.CombinedStore(sample, mine, signature)


def store(ctx: Context) -> AtlasStore:
    """The indexed reader of the context's atlas (one per atlas version)."""
    return _store(ctx.layers_dir, ctx.signature)


@st.cache_data(show_spinner=False, max_entries=4)
def _region_table(layers_dir: str, signature: tuple):
    return _store(layers_dir, signature).read("regions", geometry=False)


@st.cache_data(show_spinner=False, max_entries=4)
def _region_choices(layers_dir: str, signature: tuple) -> dict[str, str]:
    return app_data.region_choices(_region_table(layers_dir, signature))


def region_rows(ctx: Context):
    """The regions layer without geometry (names, levels, hierarchy, counts)."""
    return _region_table(ctx.layers_dir, ctx.signature)


@st.cache_data(show_spinner="读取地区 Reading regions…", max_entries=64)
def _region_layers(layers_dir: str, signature: tuple, codes: tuple[str, ...]) -> dict[str, gpd.GeoDataFrame]:
    return _store(layers_dir, signature).region_layers(list(codes))


def region_layers(ctx: Context, codes: tuple[str, ...] | list[str]) -> dict[str, gpd.GeoDataFrame]:
    """Every layer cut to these regions (indexed read, cached per selection)."""
    return _region_layers(ctx.layers_dir, ctx.signature, tuple(codes))


@st.cache_data(show_spinner=False, max_entries=4)
def _feature_index(layers_dir: str, signature: tuple):
    return _store(layers_dir, signature).feature_index()


def feature_index(ctx: Context):
    """theme / id / doc_id / region_code / precision / year of every feature (no geometry)."""
    return _feature_index(ctx.layers_dir, ctx.signature)


@st.cache_data(show_spinner=False, max_entries=4)
def _documents(layers_dir: str, signature: tuple):
    return _store(layers_dir, signature).documents()


def documents(ctx: Context):
    """The documents layer without geometry."""
    return _documents(ctx.layers_dir, ctx.signature)


@st.cache_data(show_spinner="读取地区 Reading regions…", max_entries=16)
def overview_regions(
    layers_dir: str, signature: tuple, level: str | None, simplify: float
) -> gpd.GeoDataFrame:
    """The regions of one level with simplified outlines (the overview map)."""
    return _store(layers_dir, signature).regions(level=level, simplify=simplify)


def load_layers() -> tuple[app_data.LazyLayers, str, tuple]:
    """The atlas in ``settings.LAYERS_DIR`` (nothing read yet), keyed on the files' mtimes."""
    layers_dir = str(settings.LAYERS_DIR)
    signature = (*app_data.atlas_signature(layers_dir), workspace().signature())
    app_data.check_atlas(layers_dir)
    return app_data.LazyLayers(_store(layers_dir, signature)), layers_dir, signature


@st.cache_data(show_spinner=False, max_entries=64)
def evidence(layers_dir: str, signature: tuple, region_code: str) -> dict[str, maps.Evidence]:
    """Evidence sentences of one region's features, looked up in the source files."""
    layers = _region_layers(layers_dir, signature, (region_code,))
    table = app_data.feature_table(layers, region_code)
    return app_data.evidence_for(table, texts=workspace_texts(signature))


def workspace_texts(signature: tuple, names: Sequence[str] | None = None) -> dict[str, str]:
    """File name → text of the workspace's own documents (their evidence needs no source folder)."""
    return Workspace(Path(signature[-1][0]).parent).source_texts(names)


@st.cache_resource(show_spinner=False)
def _dem() -> Any:
    from atlas.raster import load_raster

    return load_raster()


@st.cache_data(show_spinner=False, max_entries=32)
def dem_overlay(region_code: str) -> Any:
    """The sample DEM clipped to a region, as a map overlay (None when it has no cell there)."""
    from atlas.boundaries import load_boundaries
    from atlas.raster import clip_to_geometry, to_image_overlay

    clipped = clip_to_geometry(_dem(), load_boundaries().geometry(region_code))
    if clipped.valid_count == 0:
        return None
    return to_image_overlay(clipped)


def asset_base_url() -> str:
    """Where the browser finds the vendored map assets (respects ``server.baseUrlPath``)."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


def folium_parts(fmap: folium.Map, key: str) -> dict[str, Any]:
    """What ``st_folium(fmap, key=key)`` sends the browser, rendered once.

    ``st_folium`` renders the whole Leaflet HTML, dedents it and hashes it on every rerun of a
    page; for a national overview (hundreds of outlines, ~1 MB of script) that is most of the
    page's server time. A page caches these parts per selection (``st.cache_data``) and hands
    them to :func:`show_folium`, which sends exactly what ``st_folium`` would.
    """
    sf = streamlit_folium
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    try:
        (south, west), (north, east) = fmap.get_bounds()
    except (AttributeError, ValueError):
        south = west = north = east = None
    css: list[str] = []
    js: list[str] = []
    stack: list[Any] = [fmap]
    while stack:  # the same walk (depth first, in order) as st_folium's
        element = stack.pop()
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "hash_key": sf.generate_js_hash(script, key, False),
        "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        "zoom": fmap.options.get("zoom"),
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
    }


def show_folium(
    parts: dict[str, Any], *, key: str, height: int, returned_objects: Sequence[str]
) -> dict[str, Any] | None:
    """Draw a map from :func:`folium_parts` (full container width): ``st_folium``'s component
    with the same arguments, without rendering the map again. Returns what the map reports
    (only ``returned_objects``)."""
    hash_key = parts["hash_key"]
    known = {"bounds": parts["bounds"], "zoom": parts["zoom"]}
    defaults = {name: known.get(name) for name in returned_objects}

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return streamlit_folium._component_func(
        script=parts["script"],
        header=parts["header"],
        html=parts["html"],
        id=parts["id"],
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=parts["css_links"],
        js_links=parts["js_links"],
        on_change=on_change,
        wrap_longitude=False,
    )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: object) -> str:
    """Text from a document or a user (titles, names, file names) made literal inside Markdown:
    no links, images, HTML or emphasis can come from it."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def keep_valid(key: str, options: list[str]) -> None:
    """Drop values of a multiselect's state that are no longer among its options."""
    value = st.session_state.get(key)
    if isinstance(value, list):
        kept = [v for v in value if v in options]
        if kept != value:  # writing an unchanged value would undo a click the browser sent meanwhile
            st.session_state[key] = kept


#: What a picker stores for "all" (levels, years). Streamlit shows a selectbox whose value is None
#: as empty ("Choose an option"), so None itself cannot be an option.
ALL = "all"


def pick_or_all(
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Any,
    all_label: str,
    format_func: Any = str,
    all_last: bool = False,
    where: Any = None,
    **kwargs: Any,
) -> Any:
    """A selectbox of ``options`` and an "all" choice; returns the value picked, None for all.

    ``default`` (None: all) is set the first time, and again when the stored value is no longer
    offered (another atlas, another region).
    """
    choices = [*options, ALL] if all_last else [ALL, *options]
    if st.session_state.get(key) not in choices:
        st.session_state[key] = ALL if default is None else default
    value = (where or st).selectbox(
        label,
        options=choices,
        format_func=lambda v: all_label if v == ALL else format_func(v),
        key=key,
        **kwargs,
    )
    return None if value == ALL else value


def open_region(code: str) -> None:
    """Ask for ``code`` to become the sidebar region and go to the county page."""
    st.session_state[_OPEN_KEY] = code
    st.switch_page(PAGES["county"])


@contextlib.contextmanager
def guard(what: str) -> Iterator[None]:
    """Show errors in a box: an ``AtlasError`` says what to do; anything else is logged."""
    try:
        yield
    except AtlasError as exc:
        st.error(f"{what}: {exc}")
    except Exception as exc:  # the app shows a message, never a traceback
        log.exception("app: %s failed", what)
        st.error(f"{what} 出错 failed: {type(exc).__name__}: {exc}")


def sidebar() -> Context | None:
    """The shared frame: region picker and basemap choice. None (after an error box) without data."""
    st.sidebar.title("Plan Atlas 规划图集")
    try:
        layers, layers_dir, signature = load_layers()
    except AtlasError as exc:
        st.error(f"无法读取图层 Cannot load the layers: {exc}")
        st.info(f"图层目录 Layers folder: `{settings.LAYERS_DIR}` (set `ATLAS_LAYERS` to use another one)")
        return None
    region_rows = _region_table(layers_dir, signature)
    regions = _region_choices(layers_dir, signature)
    mine = combined.workspace_regions(workspace_layers())
    regions = {
        code: f"{label} · 工作区 workspace" if code in mine else label for code, label in regions.items()
    }
    if not regions:
        st.warning("图集中没有地区 The atlas has no regions: build it from plan documents first.")
        return None

    pending = st.session_state.pop(_OPEN_KEY, None)
    if pending in regions:
        st.session_state[REGION_KEY] = pending
    if st.session_state.get(REGION_KEY) not in regions:
        st.session_state[REGION_KEY] = next(iter(regions))
    code = st.sidebar.selectbox("地区 Region", options=list(regions), format_func=regions.get, key=REGION_KEY)

    basemaps = maps.available_basemaps()
    if st.session_state.get(BASEMAP_KEY) not in basemaps:
        st.session_state[BASEMAP_KEY] = "blank"
    basemap = st.sidebar.selectbox(
        "底图 Basemap",
        options=list(basemaps),
        format_func=lambda k: basemaps[k].label,
        key=BASEMAP_KEY,
        help="空白底图无需联网 The blank basemap needs no network; 天地图 Tianditu appears when TIANDITU_KEY is set.",
    )
    if basemaps[basemap].needs_network:
        st.sidebar.caption("此底图需联网加载瓦片 This basemap loads tiles from the internet.")
    if basemaps[basemap].datum == "gcj02":
        st.sidebar.caption("高德底图为 GCJ-02：叠加图层已偏移对齐 Overlays are shifted to GCJ-02 for AMap.")
    st.sidebar.caption(f"图层 Layers: `{Path(layers_dir).name}/` · {len(regions)} 个地区 regions")
    if mine:
        st.sidebar.caption(f"工作区 Workspace: {len(mine)} 个地区 region(s) · `{workspace().folder}`")
    if assets.missing_assets():
        st.warning(
            "地图脚本未安装，地图无法显示 The map scripts (Leaflet) are not installed, maps cannot draw: "
            "run `make assets` (or `python -m atlas.assets`) and reload."
        )
    return Context(
        layers=layers,
        layers_dir=layers_dir,
        signature=signature,
        region_code=code,
        region_name=app_data.region_names(region_rows).get(code, code),
        region_label=regions[code],
        regions=regions,
        basemap=basemap,
    )


_FRAME_KEY = "_frame"


def set_context(ctx: Context) -> None:
    """Hand this run's frame (built by the router) to the page it runs."""
    st.session_state[_FRAME_KEY] = ctx


def context() -> Context:
    """The frame built by the router for this run (stops the page when there is none)."""
    ctx = st.session_state.get(_FRAME_KEY)
    if ctx is None:
        st.stop()
    return ctx
