"""The build engine: one pure function per file, a process pool, the per-file cache, progress."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from atlas import build
from atlas._errors import InputError
from atlas.build import BuildOptions, build_atlas, file_result, layers_from_result, run_stages
from atlas.cli import main
from atlas.layers import LAYERS, read_layer, write_atlas
from atlas.progress import ProgressLine

# Three short reports in the project's own words, far from Shanxi.
DALI = (
    "大理市2022年政府工作报告\n\n各位代表：现在我代表大理市人民政府向大会报告工作。\n"
    "过去一年，全市新建西湖湿地公园，苍山森林公园完成步道改造。\n"
    "今年要加快大理至丽江高速公路扩容，守住生态保护红线。\n"
)
YICHUN = (
    "伊春市2021年政府工作报告\n\n各位代表：我代表伊春市人民政府向大会报告工作。\n"
    "全市森林覆盖率保持在83%以上，汤旺河国家森林公园游客增长两成。\n"
)
SHAOGUAN = (
    "韶关市2023年政府工作报告\n\n各位代表：我代表韶关市人民政府向大会报告工作。\n"
    "丹霞山保护区管理继续加强，南岭国家森林公园建设稳步推进。\n"
)


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small_input(tmp_path) -> Path:
    return _write(
        tmp_path / "in", {"dali_2022.txt": DALI, "yichun_2021.txt": YICHUN, "shaoguan_2023.txt": SHAOGUAN}
    )


def _geojson(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.geojson").read_bytes() for name in LAYERS}


def _report(folder: Path) -> dict:
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    report.pop("timings_s")
    return report


def _reference(paths: list[Path], out: Path) -> Path:
    """The atlas written the way the sequential build always wrote it (every stage in memory)."""
    result = run_stages(paths)
    result.layers = layers_from_result(result)
    write_atlas(result.layers, out, report=result.report())
    return out


@pytest.mark.slow  # two worker processes that each load the reference data
def test_pool_build_is_byte_identical_to_the_in_memory_stages(small_input, tmp_path):
    ref = _reference([small_input], tmp_path / "ref")
    result = build_atlas([small_input], tmp_path / "out", workers=2, cache=tmp_path / "cache")
    assert result.stats == {"files": 3, "files_run": 3, "files_cached": 0}
    assert _geojson(tmp_path / "out") == _geojson(ref)
    assert _report(tmp_path / "out") == _report(ref)
    assert len(read_layer(tmp_path / "out" / "documents.geojson")) == 3


@pytest.mark.slow  # three fresh interpreters in two pools, one pool after the other
def test_workers_replaced_in_batches_give_the_same_atlas(small_input, tmp_path, monkeypatch):
    from atlas import settings

    monkeypatch.setattr(settings, "WORKER_MAX_FILES", 1)  # three files: two pools, one after the other
    ref = _reference([small_input], tmp_path / "ref")
    result = build_atlas([small_input], tmp_path / "out", workers=2, cache=False)
    assert result.stats["files_run"] == 3
    assert _geojson(tmp_path / "out") == _geojson(ref)


@pytest.mark.slow
def test_sample_plans_build_on_two_workers_byte_identical(plans_dir, tmp_path):
    ref = _reference([plans_dir], tmp_path / "ref")
    build_atlas([plans_dir], tmp_path / "out", workers=2, cache=False)
    assert _geojson(tmp_path / "out") == _geojson(ref)
    assert _report(tmp_path / "out") == _report(ref)


def test_rebuild_runs_only_new_and_changed_files(small_input, tmp_path):
    cache = tmp_path / "cache"
    first = build_atlas([small_input], tmp_path / "a", workers=1, cache=cache)
    assert first.stats["files_run"] == 3
    again = build_atlas([small_input], tmp_path / "b", workers=1, cache=cache)
    assert again.stats == {"files": 3, "files_run": 0, "files_cached": 3}
    assert _geojson(tmp_path / "a") == _geojson(tmp_path / "b")

    changed = YICHUN.replace("汤旺河国家森林公园", "小兴安岭湿地公园")
    (small_input / "yichun_2021.txt").write_text(changed, encoding="utf-8")
    (small_input / "lijiang_2022.txt").write_text(DALI.replace("大理", "丽江"), encoding="utf-8")
    third = build_atlas([small_input], tmp_path / "c", workers=1, cache=cache)
    assert third.stats == {"files": 4, "files_run": 2, "files_cached": 2}
    parks = set(read_layer(tmp_path / "c" / "parks.geojson")["name"])
    assert any("小兴安岭" in n for n in parks) and not any("汤旺河" in n for n in parks)


def test_options_and_code_version_are_part_of_the_key(small_input, monkeypatch):
    path = small_input / "dali_2022.txt"
    key = build.file_key(path, BuildOptions())
    assert key == build.file_key(path, BuildOptions())
    assert key != build.file_key(path, BuildOptions(themes=("parks",)))
    monkeypatch.setattr(build, "_code_version", None)
    monkeypatch.setenv("ATLAS_SOMETHING_NEW", "1")
    assert build.file_key(path, BuildOptions()) != key
    assert build.file_key(small_input / "nope.txt", BuildOptions()) is None
    new_key = build.file_key(path, BuildOptions())
    for how_files_run in (
        "ATLAS_WORKERS",
        "ATLAS_WORKER_FILES",
    ):  # a rebuild with other workers keeps the cache
        monkeypatch.setattr(build, "_code_version", None)
        monkeypatch.setenv(how_files_run, "7")
        assert build.file_key(path, BuildOptions()) == new_key


def test_the_code_version_covers_the_stages_not_the_app(tmp_path):
    (tmp_path / "geocode.py").write_text("A = 1\n", encoding="utf-8")
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "core.py").write_text("B = 1\n", encoding="utf-8")
    before = build.source_hash(tmp_path)
    (tmp_path / "maps" / "core.py").write_text("B = 2\n", encoding="utf-8")
    (tmp_path / "app_data.py").write_text("C = 1\n", encoding="utf-8")
    assert build.source_hash(tmp_path) == before  # the app and the maps do not change a file's result
    (tmp_path / "geocode.py").write_text("A = 2\n", encoding="utf-8")
    assert build.source_hash(tmp_path) != before


def test_file_result_is_pure_and_pickles(small_input):
    res = file_result(small_input / "dali_2022.txt")
    back = pickle.loads(pickle.dumps(res))
    assert back.rows.keys() == res.rows.keys()
    assert [r["id"] for r in back.rows["parks"]] == [r["id"] for r in res.rows["parks"]]
    assert back.documents[0].text == "" and res.chars > 50  # documents travel without their text
    assert all(r["geometry"] is None for r in res.rows["documents"])  # set from boundaries on assembly
    assert file_result(small_input / "dali_2022.txt").rows == res.rows


def test_unreadable_files_are_reported_on_every_build(tmp_path, capsys):
    folder = _write(tmp_path / "in", {"dali_2022.txt": DALI})
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    args = ["build", str(folder), "--out", str(tmp_path / "out"), "-q", "--cache", str(tmp_path / "c")]
    for _ in range(2):
        assert main(args) == 2
        assert "blob.txt: this looks like a binary file" in capsys.readouterr().err


def test_default_workers_from_the_environment(monkeypatch):
    from atlas.build import default_workers

    monkeypatch.setenv("ATLAS_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.setenv("ATLAS_WORKERS", "three")
    with pytest.raises(InputError, match="ATLAS_WORKERS='three'"):
        default_workers()
    monkeypatch.delenv("ATLAS_WORKERS")
    assert default_workers() >= 1


def test_cli_rejects_zero_workers(small_input, tmp_path, capsys):
    assert main(["build", str(small_input), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    assert "--workers 0" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_cli_build_without_cache_leaves_no_cache(small_input, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    args = ["build", str(small_input), "--out", str(tmp_path / "o"), "-q", "--no-cache", "--workers", "1"]
    assert main(args) == 0
    assert not (tmp_path / "cache").exists()
    assert (tmp_path / "o" / "parks.geojson").is_file()


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.text, self.tty = "", tty

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.tty


def test_progress_in_a_log_is_a_few_quiet_lines():
    stream = _Stream(tty=False)
    progress = ProgressLine(stream)
    for done in range(0, 1001):
        progress("build", done, 1000, f"file{done}.txt")
    lines = stream.text.splitlines()
    assert 2 <= len(lines) <= 12
    assert "\r" not in stream.text
    assert lines[-1].startswith("build") and "1000/1000 files" in lines[-1] and "/s" in lines[-1]


def test_progress_on_a_terminal_redraws_one_line_with_rate_and_time_left():
    stream = _Stream(tty=True)
    progress = ProgressLine(stream)
    progress.min_interval = 0.0  # draw every call (a terminal is redrawn at most 10 times a second)
    progress("build", 40, 100, "")  # 40 came from the cache
    progress("build", 41, 100, "a.txt")
    assert stream.text.count("\n") == 0 and stream.text.startswith("\r")
    assert "41/100 files" in stream.text and "left ~" in stream.text and "(40 cached)" in stream.text
    progress("build", 100, 100, "z.txt")
    assert stream.text.endswith("\n")


@pytest.mark.slow  # starts a scheduler and a worker process that loads the reference data
def test_build_on_a_dask_cluster_matches_the_local_build(small_input, tmp_path, monkeypatch, capsys):
    distributed = pytest.importorskip(
        "distributed", reason="Dask is not installed (pip install '.[cluster]')"
    )
    ref = _reference([small_input], tmp_path / "ref")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = build_atlas(
            [small_input], tmp_path / "dask", scheduler=cluster.scheduler_address, cache=False
        )
        assert result.stats["files_run"] == 3
        assert _geojson(tmp_path / "dask") == _geojson(ref)
        assert _report(tmp_path / "dask") == _report(ref)
        # the CLI finds the scheduler in DASK_SCHEDULER_ADDRESS
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
        args = ["build", str(small_input), "--out", str(tmp_path / "cli"), "-q", "--no-cache"]
        assert main(args) == 0
        assert _geojson(tmp_path / "cli") == _geojson(ref)


def test_an_unreachable_scheduler_is_one_line(small_input, tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed", reason="Dask is not installed (pip install '.[cluster]')")
    monkeypatch.setattr(build, "DASK_CONNECT_TIMEOUT", "1s")
    out = tmp_path / "o"
    args = [
        "build",
        str(small_input),
        "--out",
        str(out),
        "-q",
        "--no-cache",
        "--scheduler",
        "tcp://127.0.0.1:9",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("atlas: cannot reach the Dask scheduler at tcp://127.0.0.1:9") and "\n" not in err
    assert not out.exists()
