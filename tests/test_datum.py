"""Tests of atlas.datum against published WGS84/GCJ-02 reference pairs, plus round trips."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from atlas.datum import (
    gcj02_to_wgs84,
    geometry_to_gcj02,
    geometry_to_wgs84,
    out_of_china,
    wgs84_to_gcj02,
)

# Reference pairs (wgs_lon, wgs_lat, gcj_lon, gcj_lat).
# Source: the test table of googollee/eviltransform (python/test.py: "shanghai", "shenzhen",
# "beijing"), and the README example of wandergis/coordtransform (wgs84togcj02(116.404, 39.915)).
REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]
M_PER_DEG = 111_320.0


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_forward_matches_reference(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert float(lon) == pytest.approx(glon, abs=1e-9)
    assert float(lat) == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_inverse_matches_reference_below_a_millimetre(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert abs(float(lon) - wlon) * M_PER_DEG < 1e-3
    assert abs(float(lat) - wlat) * M_PER_DEG < 1e-3


def test_vectorised_round_trip_over_china():
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.0, 135.0, size=(50, 40))
    lat = rng.uniform(18.0, 53.0, size=(50, 40))
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon.shape == lon.shape
    offset_m = np.hypot(glon - lon, glat - lat) * M_PER_DEG
    assert offset_m.min() > 1.0 and offset_m.max() < 1500.0
    blon, blat = gcj02_to_wgs84(glon, glat)
    err_m = np.hypot((blon - lon) * np.cos(np.radians(lat)), blat - lat) * M_PER_DEG
    assert err_m.max() < 0.01  # the bar is 1 m


def test_identity_outside_china():
    lon = np.array([2.35, -74.0, 139.69, 100.0])  # Paris, New York, Tokyo, and south of the box
    lat = np.array([48.85, 40.7, 35.68, 0.5])
    assert out_of_china(lon, lat).tolist() == [True, True, True, True]
    for func in (wgs84_to_gcj02, gcj02_to_wgs84):
        x, y = func(lon, lat)
        assert x.tolist() == lon.tolist() and y.tolist() == lat.tolist()
    assert out_of_china(111.7, 36.56).item() is False  # 霍州


def test_nan_passes_through():
    x, y = gcj02_to_wgs84([np.nan, 111.7], [np.nan, 36.56])
    assert np.isnan(x[0]) and np.isnan(y[0]) and np.isfinite(x[1])


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r"\(2,\) and \(3,\)"):
        wgs84_to_gcj02([1.0, 2.0], [1.0, 2.0, 3.0])


def test_geometries_round_trip():
    line = shapely.LineString([(111.7, 36.5), (112.1, 36.9)])
    shifted = geometry_to_gcj02(line)
    assert shifted.geom_type == "LineString"
    assert shapely.hausdorff_distance(shifted, line) > 1e-3
    back = geometry_to_wgs84(shifted)
    assert shapely.hausdorff_distance(back, line) < 1e-9
