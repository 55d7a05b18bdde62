"""Indicator concepts: canonical keys of indicator names and the ecological ones."""

from __future__ import annotations

import re

from atlas.text import fold

#: Canonical keys of indicator concepts, first match wins (so specific patterns come first).
#: The patterns are matched on the folded name without whitespace.
_KEY_RULES: tuple[tuple[str, str], ...] = (
    # environment and resources
    ("pm25", r"PM2\.?5|细颗粒物"),
    ("pm10", r"PM10|可吸入颗粒物"),
    (
        "good_air_ratio",
        r"(优良|良好|二级以上|Ⅱ级以上|II级以上).{0,3}天数.{0,2}(比例|比率|占比|比重)|空气.{0,4}优良率",
    ),
    ("good_air_days", r"(优良|良好|二级以上|Ⅱ级以上|II级以上|达标)天数"),
    ("water_poor", r"劣\s*(Ⅴ|V|五)\s*类"),
    ("drinking_water", r"饮用水.{0,10}(达标|合格|优良)"),
    (
        "water_quality",
        r"(地表水|水质|断面|水体|国考|省考).{0,16}(Ⅲ|III|3|三)\s*类|(Ⅲ|III)类.{0,8}(水体|断面)|水质.{0,4}(达标|优良)",
    ),
    ("co2_intensity", r"二氧化碳|碳排放|CO2"),
    ("energy_intensity", r"(单位|万元).{0,14}(能源消耗|能耗)"),
    ("energy_consumption_total", r"能源消费总量"),
    ("non_fossil_share", r"非化石能源"),
    ("coal_share", r"煤炭.{0,6}(消费)?(比重|占比)"),
    ("water_intensity", r"(单位|万元).{0,14}用水量|用水量.{0,4}(下降|降低)"),
    ("water_use_total", r"用水总量"),
    ("forest_stock", r"(森林|林木|活立木)(蓄积|积蓄)"),
    ("forest_cover", r"森林覆盖|林木覆盖率"),
    ("forest_grass_cover", r"林草覆盖率"),
    ("tree_cover", r"林木绿化率"),
    ("grassland_cover", r"草原.{0,4}(植被)?.{0,2}(盖度|覆盖度)|植被.{0,2}(盖度|覆盖度|覆盖率)"),
    ("wetland_protection", r"湿地保护率"),
    ("green_space", r"绿化覆盖率|绿地率|公园绿地"),
    ("soil_erosion", r"水土流失|水土保持率"),
    ("so2", r"二氧化硫"),
    ("cod", r"化学需氧量"),
    ("nox", r"氮氧化物"),
    ("ammonia", r"氨氮"),
    ("vocs", r"挥发性有机物"),
    ("pollutant_emissions", r"主要污染物"),
    ("sewage_treatment", r"污水.{0,6}(处理|收集)率"),
    ("waste_treatment", r"垃圾.{0,8}(处理|利用|分类).{0,2}率"),
    ("arable_land", r"耕地保有量|耕地面积"),
    ("farmland", r"永久基本农田"),
    ("construction_land", r"建设用地"),
    ("afforestation", r"造林|退耕还林|国土绿化"),
    ("restoration", r"(矿山|草原|湿地|生态).{0,2}(修复|恢复)|植被恢复|防沙治沙"),
    ("manure_use", r"粪污?.{0,4}(综合|资源化)?利用率"),
    # economy
    ("gdp_growth", r"(地区生产总值|生产总值|GDP|经济)(\([^()]*\))?.{0,3}(增长|增速)"),
    ("gdp", r"^(地区生产总值|生产总值|GDP|经济总量)(\([^()]*\))?(总量)?$"),
    ("gdp_per_capita", r"人均(地区)?生产总值|人均GDP"),
    ("labour_productivity", r"劳动生产率"),
    ("urbanisation_registered", r"户籍人口城镇化率"),
    ("urbanisation", r"城镇化率"),
    ("industrial_firms", r"规(模以)?上工业企业(数量|户数|数)"),
    ("manufacturing_share", r"制造业增加值.{0,4}(占|比重)"),
    ("industry_share", r"工业增加值.{0,4}(占|比重)"),
    ("services_share", r"服务业增加值.{0,4}(占|比重)|服务业.{0,2}比重"),
    ("emerging_industry_share", r"战略性新兴产业"),
    ("digital_economy_share", r"数字经济"),
    ("high_tech_growth", r"高技术(制造业|产业)"),
    ("rd_spending", r"研究与试验发展|研发经费|R&D"),
    ("patents", r"发明专利"),
    ("broadband_5g", r"5G"),
    ("broadband", r"宽带|互联网.{0,2}普及"),
    ("tourism_revenue", r"旅游.{0,4}收入"),
    ("fixed_investment", r"固定资产投资"),
    ("retail_sales", r"社会消费品零售"),
    ("fiscal_revenue", r"(一般)?公共预算收入|财政收入"),
    ("grain_output", r"粮食.{0,8}(产量|生产能力)"),
    ("energy_output", r"能源.{0,6}(生产能力|产量)"),
    # people
    ("income_growth", r"可支配收入.{0,4}(增长|增速)"),
    ("income", r"可支配收入"),
    ("unemployment", r"失业率"),
    ("new_jobs", r"新增就业"),
    ("certified_workers", r"持证率"),
    ("education_years", r"受教育年限"),
    ("preschool_enrolment", r"入园率"),
    ("doctors", r"执业.{0,4}医师"),
    ("hospital_beds", r"医疗.{0,4}床位"),
    ("elderly_beds", r"养老.{0,2}床位"),
    ("pension_coverage", r"养老保险.{0,3}参保率"),
    ("childcare", r"托位"),
    ("life_expectancy", r"预期寿命"),
    ("infant_mortality", r"婴儿死亡率"),
    ("maternal_mortality", r"孕产妇死亡率"),
    ("sports_population", r"体育人口"),
    ("poverty", r"贫困人口|脱贫"),
    ("work_safety", r"安全事故|百万吨死亡率"),
)
_KEY_RE = tuple((key, re.compile(pat)) for key, pat in _KEY_RULES)

#: Keys of environment and resource indicators (the ``ecological`` flag).
ECOLOGICAL_KEYS: frozenset[str] = frozenset(
    {
        "pm25", "pm10", "good_air_ratio", "good_air_days", "water_poor", "drinking_water",
        "water_quality", "co2_intensity", "energy_intensity", "energy_consumption_total",
        "non_fossil_share", "coal_share", "water_intensity", "water_use_total", "forest_stock",
        "forest_cover", "tree_cover", "grassland_cover", "wetland_protection", "green_space",
        "soil_erosion", "so2", "cod", "nox", "ammonia", "vocs", "pollutant_emissions",
        "sewage_treatment", "waste_treatment", "arable_land", "farmland", "construction_land",
        "afforestation", "restoration", "manure_use", "forest_grass_cover",
    }
)  # fmt: skip

#: A table category (一、绿色生态 …) whose rows are environment/resource indicators.
_ECO_CATEGORY = re.compile(r"生态|环境|绿色|资源|低碳|环保")

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    """Folded text without any whitespace (for matching)."""
    return _SPACE.sub("", fold(text))


def indicator_key(name: str) -> str | None:
    """Canonical key of an indicator name, or None when it is not a known concept.

    Parameters
    ----------
    name : str
        The indicator name as written (row number and unit may still be attached).

    Returns
    -------
    str or None
        e.g. ``"forest_cover"`` for 森林覆盖率, ``"good_air_ratio"`` for 空气质量优良天数比率.

    Examples
    --------
    >>> indicator_key("单位地区生产总值能源消耗降低"), indicator_key("常住人口城镇化率")
    ('energy_intensity', 'urbanisation')
    """
    s = _squash(name)
    for key, rx in _KEY_RE:
        if rx.search(s):
            return key
    return None
