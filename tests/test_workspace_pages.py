"""The sample atlas and the workspace together in the app; the Upload and Review pages (AppTest).

The workspace holds a report written here about 宾川县 (云南); the sample is the hand-made fixture
atlas of tests/app_fixtures.py (霍州市, 长治市).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_fixtures import HUOZHOU, build_fixture_atlas
from streamlit.testing.v1 import AppTest

from atlas import combined, settings
from atlas.layers import read_atlas
from atlas.workspace import Workspace

APP = str(settings.PROJECT_ROOT / "streamlit_app.py")
BINCHUAN = "532924"
REPORT = (
    "宾川县2023年政府工作报告\n"
    "宾川县人民政府\n"
    "今年我们将重点推进青梅湾湿地公园建设，完善桃溪谷森林公园的步道设施。\n"
    "加快建设宾川至祥云高速公路。\n"
)


@pytest.fixture(scope="module")
def sample_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    build_fixture_atlas(root)
    return root


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    src = tmp_path / "binchuan.txt"
    src.write_text(REPORT, encoding="utf-8")
    ws = Workspace(tmp_path / "ws")
    ws.add_file(src)
    ws.rebuild()
    return ws


@pytest.fixture
def app(sample_root, workspace, monkeypatch) -> AppTest:
    monkeypatch.setattr(settings, "LAYERS_DIR", sample_root / "layers")
    monkeypatch.setenv("ATLAS_SOURCES", str(sample_root / "sources"))
    monkeypatch.setenv("ATLAS_WORKSPACE", str(workspace.folder))
    return AppTest.from_file(APP, default_timeout=120)


def _problems(at: AppTest) -> list[str]:
    return [f"exception: {e.value}" for e in at.exception] + [f"error: {e.value}" for e in at.error]


def _scripts(at: AppTest) -> str:
    return "\n".join(json.loads(c.proto.json_args)["script"] for c in at.get("component_instance"))


def test_combine_keeps_both_and_recounts_regions(sample_root, workspace):
    sample = read_atlas(sample_root / "layers")
    both = combined.combine(sample, workspace.layers())
    regions = both["regions"].set_index("region_code")
    assert set(regions.index) == {HUOZHOU, "140400", BINCHUAN}
    assert regions.loc[BINCHUAN, "n_parks"] == 2
    assert regions.loc[HUOZHOU, "n_parks"] == (sample["parks"]["region_code"] == HUOZHOU).sum()
    assert set(both["parks"]["doc_id"]) == {*sample["parks"]["doc_id"], "binchuan"}
    assert list(both["parks"].columns) == list(sample["parks"].columns)
    assert combined.workspace_regions(workspace.layers()) == {BINCHUAN}
    # nothing in the workspace: the sample as it is
    alone = combined.combine(sample, Workspace(sample_root / "no-workspace").layers())
    for name, frame in sample.items():
        assert alone[name].equals(frame), name


def test_a_workspace_copy_of_a_sample_document_replaces_it(sample_root, tmp_path):
    sample = read_atlas(sample_root / "layers")
    ws = Workspace(tmp_path / "copy")
    ws.add_file(sample_root / "sources" / "fixture_city.txt")
    ws.set_region("fixture_city", BINCHUAN)  # the user says it is about another county
    ws.rebuild()
    both = combined.combine(sample, ws.layers())
    assert "140400" not in set(both["regions"]["region_code"])  # its only document moved
    assert "fx-2" not in set(both["documents"]["doc_id"])


def test_workspace_region_is_on_every_page_with_evidence(app):
    at = app.run()
    assert _problems(at) == []
    region = at.sidebar.selectbox(key="region")
    assert BINCHUAN in region.options or any(BINCHUAN in o for o in region.options)
    labels = [o for o in region.options if "532924" in o]
    assert labels and "工作区 workspace" in labels[0]
    at.session_state["region"] = BINCHUAN
    at.switch_page("app_pages/county.py").run()
    assert _problems(at) == []
    assert "宾川县" in at.title[0].value
    script = _scripts(at)
    assert "青梅湾湿地公园" in script
    assert "完善桃溪谷森林公园的步道设施" in script  # the evidence sentence, from the stored text
    at.query_params["regions"] = f"{BINCHUAN},{HUOZHOU}"
    at.switch_page("app_pages/compare.py").run()
    assert _problems(at) == []
    table = at.dataframe[0].value
    assert {"宾川县", "霍州市"} <= set(map(str, table.to_numpy().ravel())) | set(map(str, table.columns))
    at.switch_page("app_pages/overview.py").run()
    assert _problems(at) == []
    docs = at.dataframe[0].value
    assert "binchuan" in set(docs["doc_id"])


def test_upload_page_without_files_lists_the_workspace(app):
    at = app.run()
    at.switch_page("app_pages/upload.py").run()
    assert _problems(at) == []
    assert at.title[0].value.startswith("上传")
    shown = at.dataframe[0].value
    assert list(shown["编号 ID"]) == ["binchuan"]


def test_review_page_marks_and_undoes(app, workspace):
    at = app.run()
    at.switch_page("app_pages/review.py").run()
    assert _problems(at) == []
    item = at.selectbox(key="review_item")
    names = [o.split(" · ")[0] for o in item.options]
    assert set(names) == {"青梅湾湿地公园", "桃溪谷森林公园"}
    item.set_value(f"parks|{BINCHUAN}|青梅湾湿地公园").run()
    at.button(key="review_not_feature").click().run()
    assert _problems(at) == []
    (c,) = workspace.corrections()
    assert (c.name, c.kind, c.theme, c.adcode) == ("青梅湾湿地公园", "not_a_feature", "parks", BINCHUAN)
    assert "青梅湾湿地公园" not in set(workspace.layers()["parks"]["name"])
    at.button(key=f"review_undo_{c.id}").click().run()
    assert _problems(at) == []
    assert workspace.corrections() == []
    assert "青梅湾湿地公园" in set(workspace.layers()["parks"]["name"])


def test_review_page_on_an_empty_workspace(sample_root, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "LAYERS_DIR", sample_root / "layers")
    monkeypatch.setenv("ATLAS_WORKSPACE", str(tmp_path / "empty"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/review.py").run()
    assert _problems(at) == []
    assert any("Upload" in i.value for i in at.info)
    assert not (tmp_path / "empty" / "workspace.gpkg").exists()


def _same_rows(got, expected, name: str) -> None:
    """Same rows (by id, or by region for regions) and the same values, dtypes aside."""
    key = "region_code" if name == "regions" else ("id" if "id" in expected else None)
    assert len(got) == len(expected), name
    if not len(expected):
        return
    assert set(got.columns) == set(expected.columns), name
    cols = sorted(c for c in expected.columns if c != "geometry")
    a = got.sort_values(key).reset_index(drop=True) if key else got.reset_index(drop=True)
    b = expected.sort_values(key).reset_index(drop=True) if key else expected.reset_index(drop=True)
    for col in cols:
        left = [None if v is None or (isinstance(v, float) and v != v) else v for v in a[col]]
        right = [None if v is None or (isinstance(v, float) and v != v) else v for v in b[col]]
        left = [str(v) if isinstance(v, str) or col.endswith("code") else v for v in left]
        right = [str(v) if isinstance(v, str) or col.endswith("code") else v for v in right]
        assert left == right, (name, col)
    if "geometry" in expected:
        assert all(x.equals_exact(y, 1e-9) for x, y in zip(a.geometry, b.geometry, strict=True)), name


@pytest.mark.parametrize("case", ["own county", "copy of a sample document"])
def test_combined_store_reads_per_query_what_combine_holds(sample_root, workspace, tmp_path, case):
    from atlas.store import AtlasStore

    if case == "copy of a sample document":
        workspace = Workspace(tmp_path / "copy")
        workspace.add_file(sample_root / "sources" / "fixture_city.txt")
        workspace.set_region("fixture_city", BINCHUAN)
        workspace.rebuild()
    sample = AtlasStore(sample_root / "layers")
    mine = workspace.layers()
    # what the store held in memory before: combine() of every sample layer, read whole
    expected = combined.combine({n: sample.read(n) for n in sample.layer_names()}, mine)
    store = combined.CombinedStore(sample, mine, ("signature",))
    for name, frame in expected.items():
        _same_rows(store.read(name), frame, name)
    for code in (HUOZHOU, "140400", BINCHUAN):
        got = store.region_layers([code])
        for name, frame in expected.items():
            if "region_code" in frame:
                _same_rows(got[name], frame[frame["region_code"].astype(str) == code], f"{name} of {code}")
    docs = store.documents()
    assert set(docs["doc_id"]) == set(expected["documents"]["doc_id"]) and "geometry" not in docs
    index = store.feature_index()
    assert len(index) == sum(
        len(expected[t]) for t in ("parks", "red_lines", "corridors", "eco_zones", "structure")
    )
    assert set(index["doc_id"]) <= set(expected["documents"]["doc_id"])
    assert (
        store.count("parks", region_codes=[BINCHUAN]) == (expected["parks"]["region_code"] == BINCHUAN).sum()
    )
    names = store.read("parks", region_codes=[HUOZHOU], columns=["name"], geometry=False)
    assert list(names.columns) == ["name"]


def test_combined_store_asks_the_sample_only_for_what_a_page_shows(sample_root, workspace):
    # A region page reads its region from the sample's index, never the whole sample layer.
    from atlas.store import AtlasStore

    sample = AtlasStore(sample_root / "layers")
    asked: list[tuple[str, object]] = []
    real = sample.read

    def read(layer, **kw):
        asked.append((layer, kw.get("region_codes")))
        return real(layer, **kw)

    sample.read = read  # type: ignore[method-assign]
    store = combined.CombinedStore(sample, workspace.layers(), ("signature",))
    asked.clear()
    store.region_layers([HUOZHOU])
    assert asked and all(codes == [HUOZHOU] for _, codes in asked)
    asked.clear()
    store.region_layers([BINCHUAN])  # the workspace's region: the sample is asked for it only
    assert all(codes is not None and set(codes) <= {BINCHUAN} for _, codes in asked)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_export_of_a_workspace_region_holds_its_features(sample_root, workspace, tmp_path, fmt):
    # The GeoJSON export copies lines of the sample's layer files; the workspace's features are
    # not in those files, so a combined atlas must be exported from its rows.
    import geopandas as gpd

    from atlas import app_data
    from atlas.store import AtlasStore

    store = combined.CombinedStore(AtlasStore(sample_root / "layers"), workspace.layers(), ("signature",))
    path = app_data.export_file(store, ["parks"], [BINCHUAN], fmt=fmt, folder=tmp_path / "out")
    if fmt == "csv":
        text = path.read_bytes().decode("utf-8-sig")
        assert "青梅湾湿地公园" in text and "桃溪谷森林公园" in text
    else:
        frame = gpd.read_file(path)
        assert set(frame["name"]) == {"青梅湾湿地公园", "桃溪谷森林公园"}
