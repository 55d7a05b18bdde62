"""Shared fixtures: the sample plans (skipped with a reason when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import settings


@pytest.fixture(scope="session", autouse=True)
def _private_workspace(tmp_path_factory):
    """Every test (and every app server a test starts) gets an empty workspace of its own, never
    the user's real one."""
    import os

    folder = tmp_path_factory.mktemp("workspace")
    old = os.environ.get("ATLAS_WORKSPACE")
    os.environ["ATLAS_WORKSPACE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("ATLAS_WORKSPACE", None)
    else:
        os.environ["ATLAS_WORKSPACE"] = old


@pytest.fixture(scope="session")
def plans_dir() -> Path:
    if not settings.PLANS_DIR.is_dir():
        pytest.skip(f"sample plans not found at {settings.PLANS_DIR} (set ATLAS_SHARED to the shared folder)")
    return settings.PLANS_DIR


@pytest.fixture(scope="session")
def sample_documents(plans_dir):
    from atlas.ingest import documents_from_paths

    return documents_from_paths([plans_dir])


@pytest.fixture(scope="session")
def built_atlas(plans_dir, tmp_path_factory) -> Path:
    """The sample plans built once per test session."""
    from atlas.build import build_atlas

    out = tmp_path_factory.mktemp("atlas")
    build_atlas([plans_dir], out)
    return out


@pytest.fixture(scope="session", autouse=True)
def _build_cache(tmp_path_factory):
    """Builds in tests keep their per-file results in a temporary cache, never the user's."""
    import os

    old = os.environ.get("ATLAS_CACHE")
    os.environ["ATLAS_CACHE"] = str(tmp_path_factory.mktemp("build-cache"))
    yield
    if old is None:
        os.environ.pop("ATLAS_CACHE", None)
    else:
        os.environ["ATLAS_CACHE"] = old


@pytest.fixture(scope="session", autouse=True)
def _one_worker():
    """Builds in tests run their files in the test's process (``ATLAS_WORKERS=1``) unless a test
    asks for a pool (``workers=2``): a pool's fresh interpreters cost seconds each to start."""
    import os

    old = os.environ.get("ATLAS_WORKERS")
    os.environ["ATLAS_WORKERS"] = "1"
    yield
    if old is None:
        os.environ.pop("ATLAS_WORKERS", None)
    else:
        os.environ["ATLAS_WORKERS"] = old


def pytest_report_header(config) -> list[str]:
    """Which reference data this run has: tests that need what is missing skip and say why."""
    found = {
        "sample plans": settings.PLANS_DIR if settings.PLANS_DIR.is_dir() else None,
        "places (ATLAS_PLACES)": settings.places_path(),
        "hydro (ATLAS_HYDRO)": settings.hydro_path(),
    }
    parts = [
        f"{name}: {path if path is not None else 'not found (tests needing it skip)'}"
        for name, path in found.items()
    ]
    return ["reference data: " + "; ".join(parts)]
