"""Deterministic sample database of Shangzhou District (示例数据).

The 2017 KPIs of every generated district equal the figures published in the seed article
(《向着幸福前进》): group sizes and totals below are constructed exactly, everything else is drawn from
a seeded generator with plausible distributions. `scale` N generates N districts (the first one is
商州区 611002, the others synthetic codes 611102, 611202, …), so every KPI at scale N is N times the
scale-1 figure: a known answer for performance work too.

Names are visibly synthetic ("王某甲"); ID numbers and credit codes carry valid check characters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from fupin_core import catalog
from fupin_core.idcodes import CREDIT_ALPHABET, credit_check_char, org_check_char
from fupin_core.ingest import sample_dividends, sample_lifecycle
from fupin_core.storage import schema, store

SEED = 20171231
DISTRICT_CODE = "611002"
DISTRICT_NAME = "商州区"

TOWNSHIPS = (
    ("001", "城关街道"), ("002", "大赵峪街道"), ("003", "陈塬街道"), ("004", "刘湾街道"),
    ("101", "夜村镇"), ("104", "沙河子镇"), ("105", "杨峪河镇"), ("106", "金陵寺镇"),
    ("107", "黑山镇"), ("108", "杨斜镇"), ("109", "麻街镇"), ("111", "牧护关镇"),
    ("112", "大荆镇"), ("113", "腰市镇"), ("114", "板桥镇"), ("115", "北宽坪镇"),
    ("119", "三岔河镇"), ("121", "闫村镇"),
)  # fmt: skip

# The seed article's 2017 figures; the generator constructs each of them exactly.
SEED_FIGURES = {
    "households_registered": 28530,
    "people_registered": 93185,
    "households_exited_cum": 8541,
    "people_exited_cum": 30961,
    "households_exited_year": 3180,
    "people_exited_year": 12554,
    "poverty_villages": 124,
    "deep_poverty_villages": 34,
    "villages_exited_year": 5,
    "pilot_villages": 23,
    "pilot_funds_wan": 690,
    "linked_households": 12600,
    "linked_people": 37000,
    "integrated_funds_allocated_wan": 19840,
    "integrated_funds_spent_wan": 17867,
    "integrated_funds_spend_rate": 0.901,
    "sushaan_funds_wan": 2200,
    "forest_rangers": 1070,
    "cleaners": 750,
    "welfare_posts": 718,
    "pv_target_mw": 100,
    "fungus_target_wan": 1000,
    "artichoke_target_mu": 10000,
    "central_pv_station_kw": 20000,
    # 产业全覆盖 of the households with labour capacity; 就业创业扶贫; 资金保障 (keys as issue 12 names them).
    "coverage_rate": 1.0,
    "poor_labourers": 30340,
    "labourers_employed": 23283,
    "special_funds_spent_wan": 21489,
}
POOR_LABOURERS_2017 = SEED_FIGURES["poor_labourers"]
LABOURERS_EMPLOYED_2017 = SEED_FIGURES["labourers_employed"]
SPECIAL_FUNDS_SPENT_2017_WAN = SEED_FIGURES["special_funds_spent_wan"]
# "为34个深度贫困村……每个村整合资金不少于500万元": 统筹整合涉农资金 of 2017 on the village's projects.
DEEP_VILLAGE_MIN_INTEGRATED_WAN = 500
# Figures the article does not give; chosen plausible and constructed exactly, so tests know them.
FUNGUS_BAGS_2017_WAN = 860
ARTICHOKE_AREA_2017_MU = 6800
SPECIAL_FUNDS_ALLOCATED_2017_WAN = 23160
# 农业户籍人口 of a district: 未脱贫人口 62,224 at the end of 2017 ÷ 415,000 = 贫困发生率 15.0 %.
AGRI_POPULATION = 415_000
# Households declared 脱贫 by 2017 whose 2017 家庭人均纯收入 is still below the line (脱贫不达标): an
# alert must find exactly these.
EXITED_BELOW_LINE_2017 = 15
# National rural poverty line at current prices (元/人·年); 2010 constant-price standard 2,300元.
POVERTY_LINES = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000}
POVERTY_LINE_STANDARD = "国家现行农村贫困标准"
INCOME_YEARS = (2016, 2017)

VILLAGES_PER_DISTRICT = 276
# Household groups (count, people): exited before 2017; exited 2017 and linked / not linked;
# not exited and linked / not linked. Sums give every household figure of the article.
EXITED_EARLIER = {2014: (900, 3010), 2015: (1800, 6220), 2016: (2661, 9177)}
EXITED_2017_LINKED = (2600, 10300)
EXITED_2017_UNLINKED = (580, 2254)
ACTIVE_LINKED = (10000, 26700)
ACTIVE_UNLINKED = (9989, 35524)
WELFARE_POSTS = {"生态护林员": (1070, 6000), "保洁员": (750, 3600), "公益性岗位": (718, 6000)}
# Who pays a post: 生态护林员 from central forestry money, 公益性岗位 from provincial employment money
# (neither is 扶贫 money nor 统筹整合); 保洁员 from the village PV station's revenue.
POST_FUNDING = {"生态护林员": ("中央财政", catalog.OTHER_FUNDS), "公益性岗位": ("省级财政", catalog.OTHER_FUNDS)}
# 劳动能力 by 贫困户属性: P(有), P(弱); the rest 无劳动能力 (about 15 % of all households).
LABOUR_CAPACITY_P = {"一般贫困户": (0.75, 0.15), "低保贫困户": (0.45, 0.30), "特困供养贫困户": (0.05, 0.15)}

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "甲乙丙丁戊己庚辛壬癸"
_VILLAGE_STEMS = [s + "家" for s in _SURNAMES] + ["东", "西", "南", "北", "上", "下", "石", "松", "柳", "杏", "桃", "龙", "凤"]
_VILLAGE_TAILS = "沟坪湾塬岭河庄峪坡院岔川"
_CAUSES = catalog.POVERTY_CAUSES


@dataclass
class _District:
    index: int
    rng: np.random.Generator
    code: str
    name: str
    frames: dict[str, list[dict]] = field(default_factory=dict)
    tables: dict[str, list[pl.DataFrame]] = field(default_factory=dict)  # large datasets built as frames

    def add(self, key: str, row: dict) -> None:
        self.frames.setdefault(key, []).append(row)


def district_code(index: int) -> str:
    return str(int(DISTRICT_CODE) + 100 * index)


def _exact_sizes(rng: np.random.Generator, n: int, total: int, lo: int = 1, hi: int = 9) -> np.ndarray:
    """n family sizes in [lo, hi] summing exactly to `total`."""
    sizes = np.clip(rng.poisson(total / n - lo, n) + lo, lo, hi)
    diff = total - int(sizes.sum())
    while diff:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero(sizes < hi) if step > 0 else np.flatnonzero(sizes > lo)
        pick = rng.choice(room, size=min(abs(diff), room.size), replace=False)
        sizes[pick] += step
        diff = total - int(sizes.sum())
    return sizes


def _exact_amounts(rng: np.random.Generator, weights: np.ndarray, total_tenths: int) -> np.ndarray:
    """Split `total_tenths` (in 0.1 units) proportionally to weights, in whole tenths, exactly."""
    raw = np.floor(weights / weights.sum() * total_tenths).astype(np.int64)
    raw[np.argsort(-weights)[: total_tenths - int(raw.sum())]] += 1
    return raw


def _exact_total(rng: np.random.Generator, values: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: int) -> np.ndarray:
    """`values` clipped to [lo, hi] per element, then moved by ±1 on random elements with room until
    they sum exactly to `total` (which must lie between sum(lo) and sum(hi))."""
    out = np.clip(values, lo, hi).astype(np.int64)
    if not int(lo.sum()) <= total <= int(hi.sum()):
        raise ValueError(f"total {total} outside [{int(lo.sum())}, {int(hi.sum())}]")
    diff = total - int(out.sum())
    while diff:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero(out < hi) if step > 0 else np.flatnonzero(out > lo)
        pick = rng.choice(room, size=min(abs(diff), room.size), replace=False)
        out[pick] += step
        diff = total - int(out.sum())
    return out


def _exact_spent(rng: np.random.Generator, allocated: np.ndarray, total: int) -> np.ndarray:
    """Spent amounts (tenths) at most the allocated ones, summing exactly to `total`: most rows nearly
    fully spent, about one in five well behind."""
    n = allocated.size
    ratio = np.where(rng.random(n) < 0.2, rng.uniform(0.6, 0.89, n), rng.uniform(0.93, 1.0, n))
    spent = np.minimum(np.floor(allocated * ratio).astype(np.int64), allocated)
    gap = total - int(spent.sum())
    order = np.argsort(-(allocated - spent)) if gap > 0 else np.argsort(-spent)
    for j in order:
        if gap == 0:
            break
        room = int(allocated[j] - spent[j]) if gap > 0 else -int(spent[j])
        step = min(gap, room) if gap > 0 else max(gap, room)
        spent[j] += step
        gap -= step
    if gap:
        raise ValueError("spent total larger than allocated total")
    return spent


def _credit_code(prefix: str, area: str, serial: int) -> str:
    org8 = "".join(CREDIT_ALPHABET[(serial // 31**i) % 31] for i in range(8))[::-1]
    org8 = org8.replace("I", "1").replace("O", "0")  # organisation codes avoid these too
    body = prefix + area + org8 + org_check_char(org8)
    return body + credit_check_char(body)


_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])  # GB 11643 (ISO 7064 MOD 11-2)
_ID_CHECK = "10X98765432"


def _id_numbers(rng: np.random.Generator, area: str, n: int) -> list[str]:
    """n distinct ID numbers of `area`, birth dates 1935–1992; check characters computed for all at once."""
    start = np.datetime64("1935-01-01")
    span = int((np.datetime64("1992-12-31") - start).astype(np.int64))
    i = np.arange(n)
    births = np.char.replace(np.datetime_as_string(start + (i * 7919) % span, unit="D"), "-", "")
    seq = 300 + 2 * (i // span) + rng.integers(0, 2, n)
    bodies = [f"{area}{b}{s:03d}" for b, s in zip(births.tolist(), seq.tolist(), strict=True)]
    digits = np.frombuffer("".join(bodies).encode(), dtype=np.uint8).reshape(n, 17) - ord("0")
    checks = (digits @ _ID_WEIGHTS) % 11
    return [b + _ID_CHECK[c] for b, c in zip(bodies, checks.tolist(), strict=True)]


def _build_geography(d: _District) -> tuple[list[dict], list[str]]:
    rng = d.rng
    prefix = "" if d.index == 0 else d.name
    township_codes = []
    for suffix, tname in TOWNSHIPS:
        code = d.code + suffix
        township_codes.append(code)
        d.add("townships", {"township_code": code, "township_name": prefix + tname})
    # Streets (街道) have fewer villages than towns.
    weights = np.array([0.5 if code[-3] == "0" else 1.0 for code in township_codes])
    per_township = _exact_amounts(rng, weights, VILLAGES_PER_DISTRICT)
    villages: list[dict] = []
    for tcode, count in zip(township_codes, per_township, strict=True):
        names: set[str] = set()
        tname = dict(TOWNSHIPS)[tcode[-3:]]
        fixed = {"夜村镇": "何家塬村", "牧护关镇": "香铺村"}.get(tname)
        if fixed:
            names.add(fixed)
        while len(names) < count:
            names.add(_VILLAGE_STEMS[rng.integers(len(_VILLAGE_STEMS))] + _VILLAGE_TAILS[rng.integers(len(_VILLAGE_TAILS))] + "村")
        ordered = ([fixed] if fixed else []) + sorted(names - {fixed})
        for j, vname in enumerate(ordered):
            villages.append({"village_code": f"{tcode}{200 + j:03d}", "village_name": vname, "township_code": tcode})
    # 124 poverty villages, 34 of them deep, 5 exited in 2017; the two named villages are among them.
    named = [i for i, v in enumerate(villages) if v["village_name"] in ("何家塬村", "香铺村")]
    others = rng.permutation([i for i in range(len(villages)) if i not in named])
    poor = named + list(others[: 124 - len(named)])
    deep = set(poor[2:36])
    exited = set(poor[36:41])
    poor_set = set(poor)
    for i, v in enumerate(villages):
        v["is_poverty_village"] = "是" if i in poor_set else "否"
        v["is_deep_poverty_village"] = "是" if i in deep else "否"
        v["exit_year"] = 2017 if i in exited else None
        d.add("villages", v)
    return villages, poor


def _build_households(d: _District, villages: list[dict]) -> list[dict]:
    rng = d.rng
    groups: list[tuple[str, int, int, int | None, bool]] = []  # (group, n, people, exit_year, linked)
    for year, (n, people) in EXITED_EARLIER.items():
        groups.append(("earlier", n, people, year, False))
    groups += [
        ("exit2017", *EXITED_2017_LINKED, 2017, True),
        ("exit2017", *EXITED_2017_UNLINKED, 2017, False),
        ("active", *ACTIVE_LINKED, None, True),
        ("active", *ACTIVE_UNLINKED, None, False),
    ]
    total = sum(g[1] for g in groups)
    poor_weight = np.array([3.0 if v["is_poverty_village"] == "是" else 1.0 for v in villages])
    village_of = rng.choice(len(villages), size=total, p=poor_weight / poor_weight.sum())
    ids = _id_numbers(rng, d.code, total)
    kinds = rng.choice(len(catalog.HOUSEHOLD_KINDS), size=total, p=[0.78, 0.18, 0.04])
    causes = rng.integers(0, len(_CAUSES), size=total)
    capacity_draw = rng.random(total)
    households: list[dict] = []
    per_village_seq: dict[int, int] = {}
    i = 0
    for _group, n, people, exit_year, linked in groups:
        sizes = _exact_sizes(rng, n, people)
        ident = rng.choice([2014, 2015, 2016, 2017], size=n, p=[0.7, 0.12, 0.1, 0.08])
        for k in range(n):
            vi = int(village_of[i])
            per_village_seq[vi] = per_village_seq.get(vi, 0) + 1
            v = villages[vi]
            identified = int(ident[k]) if exit_year is None else min(int(ident[k]), exit_year)
            kind = catalog.HOUSEHOLD_KINDS[int(kinds[i])]
            p_able, p_weak = LABOUR_CAPACITY_P[kind]
            capacity = 0 if capacity_draw[i] < p_able else 1 if capacity_draw[i] < p_able + p_weak else 2
            households.append(
                {
                    "household_id": f"{v['village_code']}{per_village_seq[vi]:04d}",
                    "head_name": _SURNAMES[rng.integers(len(_SURNAMES))] + "某" + _GIVEN[rng.integers(len(_GIVEN))],
                    "head_id_number": ids[i],
                    "village_code": v["village_code"],
                    "family_size": int(sizes[k]),
                    "household_kind": kind,
                    "main_cause": _CAUSES[int(causes[i])],
                    "identified_year": identified,
                    "exit_year": exit_year,
                    "labour_capacity": catalog.LABOUR_CAPACITIES[capacity],
                    "_linked": linked,
                    "_poor_village": v["is_poverty_village"] == "是",
                }
            )
            i += 1
    for h in households:
        d.add("households", {k: v for k, v in h.items() if not k.startswith("_")})
    return households


def _set_agri_population(d: _District, villages: list[dict], households: list[dict]) -> None:
    """农业户籍人口 per village: twice its registered poor people (so 贫困发生率 stays below 50 % in every
    village and year) plus a share of the rest of the district's rural population, AGRI_POPULATION in all."""
    index_of = {v["village_code"]: i for i, v in enumerate(villages)}
    poor_people = np.zeros(len(villages), dtype=np.int64)
    for h in households:
        poor_people[index_of[h["village_code"]]] += h["family_size"]
    rest = AGRI_POPULATION - 2 * int(poor_people.sum())
    others = _exact_amounts(d.rng, d.rng.uniform(0.5, 1.5, len(villages)), rest)
    for v, poor, other in zip(villages, poor_people, others, strict=True):
        v["agri_population"] = int(2 * poor + other)


class _Serial:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _build_entities_projects(d: _District, villages: list[dict], poor: list[int]) -> dict:
    rng = d.rng
    serial = _Serial()
    township_codes = sorted({v["township_code"] for v in villages})
    by_township: dict[str, list[dict]] = {}
    for v in villages:
        by_township.setdefault(v["township_code"], []).append(v)
    index: dict = {"pv_village": {}, "fungus": {}, "artichoke": {}, "pilot": {}, "other": {}, "entities": []}
    index |= {"support": {}, "posts": {}, "deep_roads": {}}
    project_seq = {"GF": 0, "SJ": 0, "JY": 0, "SB": 0, "QT": 0}

    def entity(prefix: str, name: str, etype: str, industry: str, tcode: str, vcode: str | None, established: int) -> str:
        code = _credit_code(prefix, d.code, d.index * 100_000 + serial.next())
        d.add(
            "entities",
            {
                "credit_code": code,
                "entity_name": name,
                "entity_type": etype,
                "industry": industry,
                "township_code": tcode,
                "village_code": vcode,
                "legal_representative": _SURNAMES[rng.integers(len(_SURNAMES))] + "某" + _GIVEN[rng.integers(len(_GIVEN))],
                "member_count": int(rng.integers(5, 400)),
                "registered_capital_wan": float(rng.integers(10, 2000)),
                "established_year": established,
            },
        )
        index["entities"].append({"code": code, "type": etype, "industry": industry, "township": tcode, "established": established})
        return code

    def founded_before(year: int, most: int) -> int:
        """A founding year up to `most` years before `year`, within the catalog's year range."""
        return max(catalog.MIN_YEAR, year - int(rng.integers(0, most + 1)))

    def project(
        tag: str,
        name: str,
        industry: str,
        ptype: str,
        tcode: str,
        vcode: str | None,
        operator: str | None,
        year: int,
        status: str,
        scale: float,
        unit: str,
        stations: int | None = None,
        poverty: str = "是",
    ) -> dict:
        project_seq[tag] += 1
        p = {
            "project_id": f"{d.code}-{tag}-{project_seq[tag]:04d}",
            "project_name": name,
            "industry": industry,
            "project_type": ptype,
            "township_code": tcode,
            "village_code": vcode,
            "operator_credit_code": operator,
            "build_year": year,
            "build_status": status,
            "scale": scale,
            "scale_unit": unit,
            "total_investment_wan": 0.0,  # set from its funds below
            "poverty_project": poverty,
            "station_count": stations,
        }
        d.add("projects", p)
        return p

    # Photovoltaic: a village station (100–300 kW) in every poverty village, owned by its collective,
    # which was founded to own it (a 村股份经济合作社 exists from its village's PV start on).
    for vi in poor:
        v = villages[vi]
        year = int(rng.choice([2015, 2016, 2017], p=[0.2, 0.45, 0.35]))
        collective = entity(
            "N2", f"{v['village_name']}股份经济合作社", "村股份经济合作社", "三变", v["township_code"], v["village_code"], year
        )
        status = "运营中" if year < 2017 else str(rng.choice(["已建成", "运营中", "在建"], p=[0.4, 0.45, 0.15]))
        kw = float(rng.integers(10, 31) * 10)
        p = project(
            "GF",
            f"{v['village_name']}村级光伏电站",
            "光伏",
            "村级电站",
            v["township_code"],
            v["village_code"],
            collective,
            year,
            status,
            kw,
            "千瓦",
            stations=1,
        )
        index["pv_village"][v["village_code"]] = p
        v["_collective"] = collective
    # Household rooftop systems, grouped per village project (3 kW a household).
    for vi in rng.choice(len(villages), size=60, replace=False):
        v = villages[int(vi)]
        homes = int(rng.integers(10, 31))
        year = int(rng.choice([2016, 2017]))
        project(
            "GF",
            f"{v['village_name']}户用光伏",
            "光伏",
            "户用光伏",
            v["township_code"],
            v["village_code"],
            None,
            year,
            "已建成",
            float(homes * 3),
            "千瓦",
            stations=homes,
        )
    # The 20 MW ground station is a commercial investment (招商引资, 引资2.1亿元), not a poverty station.
    ent = entity("91", "示例新能源发电有限公司", "龙头企业", "光伏", township_codes[4], None, 2016)
    index["central_pv"] = project(
        "GF",
        "20兆瓦集中式光伏地面电站",
        "光伏",
        "集中式电站",
        township_codes[4],
        None,
        ent,
        2017,
        "在建",
        20000.0,
        "千瓦",
        stations=1,
        poverty="否",
    )

    # Edible fungus: production bases run by cooperatives, and a bag-distribution scheme per township.
    for tcode in township_codes:
        index["fungus"][tcode] = []
        for _ in range(int(rng.integers(1, 4))):
            v = by_township[tcode][int(rng.integers(len(by_township[tcode])))]
            year = int(rng.choice([2015, 2016, 2017]))
            coop = entity(
                "93", f"{v['village_name']}食用菌专业合作社", "农民专业合作社", "食用菌", tcode, v["village_code"], founded_before(year, 4)
            )
            p = project(
                "SJ",
                f"{v['village_name']}香菇生产基地",
                "食用菌",
                "生产基地",
                tcode,
                v["village_code"],
                coop,
                year,
                "运营中",
                float(rng.integers(20, 81)),
                "万袋",
            )
            index["fungus"][tcode].append(p)
        p = project(
            "SJ",
            f"{dict(TOWNSHIPS)[tcode[-3:]]}菌袋发放到户",
            "食用菌",
            "菌袋发放",
            tcode,
            None,
            None,
            2016,
            "运营中",
            float(rng.integers(10, 41)),
            "万袋",
        )
        index["fungus"][tcode].append(p)
    # Jerusalem artichoke: order farming with two processing enterprises, and planting bases.
    processors = [
        entity("91", f"示例{n}菊芋食品有限公司", "龙头企业", "菊芋", township_codes[k], None, int(rng.integers(catalog.MIN_YEAR, 2015)))
        for k, n in ((8, "秦岭"), (12, "丹江"))
    ]
    for tcode in township_codes[4:]:
        index["artichoke"][tcode] = []
        v = by_township[tcode][int(rng.integers(len(by_township[tcode])))]
        proc = processors[int(rng.integers(2))]
        index["artichoke"][tcode].append(
            project(
                "JY",
                f"{dict(TOWNSHIPS)[tcode[-3:]]}菊芋订单种植",
                "菊芋",
                "订单种植",
                tcode,
                None,
                proc,
                2016,
                "运营中",
                float(rng.integers(300, 900)),
                "亩",
            )
        )
        year = int(rng.choice([2016, 2017]))
        coop = entity(
            "93", f"{v['village_name']}菊芋种植专业合作社", "农民专业合作社", "菊芋", tcode, v["village_code"], founded_before(year, 3)
        )
        index["artichoke"][tcode].append(
            project(
                "JY",
                f"{v['village_name']}菊芋种植基地",
                "菊芋",
                "种植基地",
                tcode,
                v["village_code"],
                coop,
                year,
                "运营中",
                float(rng.integers(100, 400)),
                "亩",
            )
        )
    # Family farms and other industries, for variety in the entity list.
    for _ in range(12):
        tcode = township_codes[int(rng.integers(len(township_codes)))]
        v = by_township[tcode][int(rng.integers(len(by_township[tcode])))]
        year = int(rng.choice([2016, 2017]))
        farm = entity("92", f"{v['village_name']}示例家庭农场", "家庭农场", "其他", tcode, v["village_code"], founded_before(year, 3))
        index["other"].setdefault(tcode, []).append(
            project(
                "QT",
                f"{v['village_name']}特色种养殖",
                "其他",
                "其他",
                tcode,
                v["village_code"],
                farm,
                year,
                "运营中",
                1.0,
                "个",
            )
        )
    # Support projects (industry 其他, no operator): 产业到户扶持 per 镇办 (seedlings, livestock, bags handed
    # to households, paid from 财政专项扶贫资金), the 镇办's 生态护林员 and 公益性岗位 (scale: posts, set
    # with the linkages), and an industry road with 配套 facilities in each 深度贫困村.
    for tcode in township_codes:
        tname = dict(TOWNSHIPS)[tcode[-3:]]
        index["support"][tcode] = project("QT", f"{tname}产业到户扶持", "其他", "其他", tcode, None, None, 2017, "运营中", 1.0, "个")
        index["posts"][tcode] = {
            post: project("QT", f"{tname}{post}{suffix}", "其他", "其他", tcode, None, None, 2017, "运营中", 0.0, "个")
            for post, suffix in (("生态护林员", "选聘"), ("公益性岗位", "开发"))
        }
    for v in villages:
        if v["is_deep_poverty_village"] == "是":
            index["deep_roads"][v["village_code"]] = project(
                "QT",
                f"{v['village_name']}产业路及配套设施",
                "其他",
                "其他",
                v["township_code"],
                v["village_code"],
                None,
                2017,
                str(rng.choice(["已建成", "在建"], p=[0.6, 0.4])),
                1.0,
                "个",
            )
    return index


def _build_pilots(d: _District, villages: list[dict], poor: list[int], index: dict) -> list[dict]:
    rng = d.rng
    # 三变 reform is rural: pilots in the towns' poverty villages, none in the 4 街道.
    rural = [vi for vi in poor[2:] if villages[vi]["township_code"][-3] != "0"]
    chosen = poor[:2] + list(rng.choice(rural, size=21, replace=False))
    pilots = []
    for vi in chosen:
        v = villages[int(vi)]
        shareholders = int(rng.integers(150, 601))
        d.add(
            "pilots",
            {
                "village_code": v["village_code"],
                "pilot_year": 2017,
                "district_funds_wan": 30.0,
                "collective_org": f"{v['village_name']}股份经济合作社",
                "quantified_assets_wan": float(rng.integers(500, 3000)) / 10,
                "land_shares_mu": float(rng.integers(100, 800)),
                "shareholder_households": shareholders,
                "poor_shareholder_households": int(shareholders * rng.uniform(0.3, 0.5)),
                "annual_dividend_wan": float(rng.integers(30, 200)) / 10,
                "dividend_year": 2017,
            },
        )
        p = {
            "project_id": f"{d.code}-SB-{len(pilots) + 1:04d}",
            "project_name": f"{v['village_name']}“三变”改革试点",
            "industry": "三变",
            "project_type": "其他",
            "township_code": v["township_code"],
            "village_code": v["village_code"],
            "operator_credit_code": v["_collective"],
            "build_year": 2017,
            "build_status": "运营中",
            "scale": 1.0,
            "scale_unit": "个",
            "total_investment_wan": 0.0,
            "poverty_project": "是",
            "station_count": None,
        }
        d.add("projects", p)
        index["pilot"][v["village_code"]] = p
        pilots.append(p)
    return pilots


# Rough build cost per unit of scale (万元): PV about 8,000元/kW, a fungus base 3万元 per 万袋 of capacity.
_UNIT_COST_WAN = {"千瓦": 0.8, "万袋": 3.0, "亩": 0.15, "个": 40.0}
_FISCAL_LEVEL_P = (0.55, 0.25, 0.1, 0.1)  # 中央, 省级, 市级, 区级


def _cost_wan(project: dict) -> float:
    return project["scale"] * _UNIT_COST_WAN[project["scale_unit"]]


def _build_funds(d: _District, index: dict) -> None:
    """Fund rows by 资金来源 (level) and 资金类别. 2017 is constructed exactly: 统筹整合涉农资金 19,840 / 17,867
    万元 (each 深度贫困村 at least 500万元, each 三变 pilot 30万元 of district money), 财政专项扶贫资金
    spent 21,489万元, 苏陕协作资金 2,200万元; posts paid by their own fiscal lines; 企业自筹 only on the
    commercial station. Before 2016 no money is 统筹整合 (国办发〔2016〕22号)."""
    rng = d.rng
    projects = d.frames["projects"]
    central = index["central_pv"]
    support_ids = {p["project_id"] for p in index["support"].values()}
    support_ids |= {p["project_id"] for posts in index["posts"].values() for p in posts.values()}
    support_ids |= {p["project_id"] for p in index["deep_roads"].values()}
    pilot_ids = {p["project_id"] for p in index["pilot"].values()}
    industry = [p for p in projects if p is not central and p["project_id"] not in support_ids | pilot_ids]
    funds: list[dict] = []

    def add(p: dict, source: str, category: str, year: int, allocated_tenths: int, spent_tenths: int) -> None:
        funds.append(
            {
                "project_id": p["project_id"],
                "fund_source": source,
                "fund_category": category,
                "year": year,
                "allocated_wan": allocated_tenths / 10,
                "spent_wan": spent_tenths / 10,
            }
        )

    def level() -> str:
        return catalog.FISCAL_SOURCES[int(rng.choice(4, p=_FISCAL_LEVEL_P))]

    # 2017 统筹整合涉农资金. Each pilot 30万元 of 区级财政; each deep village's projects together 500–530万元
    # (the industry road takes what its other projects leave); the rest over the other 2017 projects.
    new_2017 = [p for p in industry if p["build_year"] == 2017]
    integrated: list[tuple[dict, str, int]] = [(p, "区级财政", 300) for p in index["pilot"].values()]
    in_deep = [p for p in new_2017 if p["village_code"] in index["deep_roads"]]
    elsewhere = [p for p in new_2017 if p["village_code"] not in index["deep_roads"]]
    integrated += [(p, level(), int(_cost_wan(p) * rng.uniform(2, 4))) for p in in_deep]  # 20–40 % of cost, tenths
    floor = DEEP_VILLAGE_MIN_INTEGRATED_WAN * 10
    for vcode, road in index["deep_roads"].items():
        others = sum(a for p, _, a in integrated if p["village_code"] == vcode)
        village_total = max(floor + int(rng.integers(0, 301)), others + 500)
        integrated.append((road, level(), village_total - others))
    rest = SEED_FIGURES["integrated_funds_allocated_wan"] * 10 - sum(a for _, _, a in integrated)
    weights = np.array([_cost_wan(p) for p in elsewhere]) * rng.uniform(0.5, 1.5, len(elsewhere))
    integrated += [(p, level(), int(a)) for p, a in zip(elsewhere, _exact_amounts(rng, weights, rest), strict=True)]
    allocated = np.array([a for _, _, a in integrated], dtype=np.int64)
    spent = _exact_spent(rng, allocated, SEED_FIGURES["integrated_funds_spent_wan"] * 10)
    for (p, source, _), a, s in zip(integrated, allocated, spent, strict=True):
        add(p, source, catalog.INTEGRATED_FUNDS, 2017, int(a), int(s))

    # 2017 财政专项扶贫资金 (not pooled): the rest of the new projects' cost, the yearly bag distribution and
    # order farming, and 产业到户扶持 in every 镇办 (about 5,500元 a registered household).
    village_township = {v["village_code"]: v["township_code"] for v in d.frames["villages"]}
    households_in: dict[str, int] = {}
    for h in d.frames["households"]:
        tcode = village_township[h["village_code"]]
        households_in[tcode] = households_in.get(tcode, 0) + 1
    yearly = [p for p in industry if p["project_type"] in ("菌袋发放", "订单种植")]
    support = list(index["support"].values())
    special = new_2017 + yearly + support
    weights = np.array(
        [_cost_wan(p) * 0.65 for p in new_2017]
        + [_cost_wan(p) * 0.5 for p in yearly]
        + [households_in.get(p["township_code"], 0) * 0.55 for p in support]
    ) * rng.uniform(0.8, 1.2, len(special))
    allocated = _exact_amounts(rng, weights, SPECIAL_FUNDS_ALLOCATED_2017_WAN * 10)
    spent = _exact_spent(rng, allocated, SPECIAL_FUNDS_SPENT_2017_WAN * 10)
    for p, a, s in zip(special, allocated, spent, strict=True):
        add(p, level(), catalog.SPECIAL_POVERTY_FUNDS, 2017, int(a), int(s))

    # 苏陕协作资金 2017: 2,200万元 to fungus and artichoke projects.
    east_west = [p for p in industry if p["industry"] in ("食用菌", "菊芋")]
    picked = [east_west[int(k)] for k in rng.choice(len(east_west), size=min(12, len(east_west)), replace=False)]
    for p, a in zip(picked, _exact_amounts(rng, rng.uniform(1, 3, len(picked)), 22_000), strict=True):
        add(p, "苏陕协作资金", catalog.OTHER_FUNDS, 2017, int(a), int(a * rng.uniform(0.8, 1.0)))
    # 社会帮扶资金 from the 中省 units that support the district, on a few projects.
    for k in rng.choice(len(industry), size=8, replace=False):
        a = int(rng.integers(100, 800))
        add(industry[int(k)], "社会帮扶资金", catalog.OTHER_FUNDS, 2017, a, int(a * rng.uniform(0.7, 1.0)))
    # Posts: the year's wages from their own fiscal lines (scale = posts filled, set with the linkages).
    for posts in index["posts"].values():
        for post, p in posts.items():
            if p["scale"]:
                source, category = POST_FUNDING[post]
                tenths = int(p["scale"]) * WELFARE_POSTS[post][1] // 1000
                add(p, source, category, 2017, tenths, tenths)

    # Earlier years: 2015 projects from 财政专项扶贫资金, 2016 projects partly pooled (统筹整合) already.
    for p in industry:
        year = p["build_year"]
        if year >= 2017:
            continue
        cost = _cost_wan(p)
        if year == 2016:
            a = int(cost * rng.uniform(4, 7))
            add(p, level(), catalog.INTEGRATED_FUNDS, year, a, int(a * rng.uniform(0.85, 1.0)))
        a = int(cost * (rng.uniform(3, 5) if year == 2016 else rng.uniform(8, 12)))
        add(p, level(), catalog.SPECIAL_POVERTY_FUNDS, year, a, int(a * rng.uniform(0.85, 1.0)))
    # The commercial station is financed by its investor (企业自筹, 引资总额2.1亿元): investment, not 下达.
    add(central, "企业自筹", catalog.OTHER_FUNDS, 2017, 210_000, 80_000)
    totals: dict[str, float] = {}
    for f in funds:
        totals[f["project_id"]] = totals.get(f["project_id"], 0.0) + f["allocated_wan"]
    for p in projects:
        p["total_investment_wan"] = round(totals.get(p["project_id"], 0.0), 1)
    d.frames["funds"] = funds


def _build_outputs(d: _District) -> None:
    rng = d.rng
    projects = d.frames["projects"]
    quarters = [f"{y}Q{q}" for y in (2016, 2017) for q in (1, 2, 3, 4)]
    season = {1: 0.19, 2: 0.29, 3: 0.3, 4: 0.22}
    for p in projects:
        if p["industry"] != "光伏" or p["build_status"] not in ("已建成", "运营中") or p["project_type"] == "户用光伏":
            continue
        performance = rng.uniform(0.5, 0.65) if rng.random() < 0.08 else rng.uniform(0.85, 1.1)
        for period in quarters:
            year, q = int(period[:4]), int(period[-1])
            if year < p["build_year"] or (year == p["build_year"] and q < 3):
                continue
            kwh = round(p["scale"] * 1150 * season[q] * performance * rng.uniform(0.95, 1.05))
            revenue = round(kwh * 0.85, 2)
            d.add(
                "pv_output",
                {
                    "project_id": p["project_id"],
                    "period": period,
                    "generation_kwh": float(kwh),
                    "revenue_yuan": revenue,
                    "distributed_yuan": round(revenue * rng.uniform(0.75, 1.0), 2),
                },
            )
    fungus = [p for p in projects if p["industry"] == "食用菌"]
    for year, total in ((2016, FUNGUS_BAGS_2017_WAN * 6), (2017, FUNGUS_BAGS_2017_WAN * 10)):
        live = [p for p in fungus if p["build_year"] <= year]
        bags = _exact_amounts(rng, np.array([p["scale"] for p in live]) * rng.uniform(0.7, 1.3, len(live)), total)
        for p, b in zip(live, bags, strict=True):
            split = _exact_amounts(rng, np.array([0.2, 0.3, 0.25, 0.25]), int(b))
            for q, tenths in enumerate(split, start=1):
                wan = tenths / 10
                d.add(
                    "fungus_output",
                    {
                        "project_id": p["project_id"],
                        "period": f"{year}Q{q}",
                        "bags_wan": wan,
                        "fresh_yield_t": round(wan * 10 * rng.uniform(0.85, 1.1), 1),
                        "sales_wan": round(wan * 10 * rng.uniform(0.55, 0.75), 2),
                    },
                )
    artichoke = [p for p in projects if p["industry"] == "菊芋"]
    for year, total in ((2016, ARTICHOKE_AREA_2017_MU * 6), (2017, ARTICHOKE_AREA_2017_MU * 10)):
        live = [p for p in artichoke if p["build_year"] <= year]
        area = _exact_amounts(rng, np.array([p["scale"] for p in live]) * rng.uniform(0.7, 1.3, len(live)), total)
        for p, a in zip(live, area, strict=True):
            mu = a / 10
            tons = round(mu * rng.uniform(1.8, 2.8), 1)
            d.add(
                "artichoke_output",
                {"project_id": p["project_id"], "year": year, "area_mu": mu, "yield_t": tons, "purchase_wan": round(tons * 0.12, 2)},
            )


# (资金来源, 资金类别) of money put into entities as shares; 统筹整合 last (only from 2016).
_INVESTMENT_FUNDS = (
    ("中央财政", catalog.SPECIAL_POVERTY_FUNDS),
    ("苏陕协作资金", catalog.OTHER_FUNDS),
    ("社会帮扶资金", catalog.OTHER_FUNDS),
    ("区级财政", catalog.INTEGRATED_FUNDS),
)


def _build_investments(d: _District, entities: list[dict]) -> None:
    rng = d.rng
    seq = 0
    for e in entities:
        # Poverty money goes into cooperatives and processors, not into the commercial PV investor.
        if e["type"] not in ("农民专业合作社", "龙头企业") or e["industry"] == "光伏" or rng.random() < 0.35:
            continue
        seq += 1
        iid = f"{d.code}-TZ-{seq:04d}"
        year = int(rng.choice([y for y in (2015, 2016, 2017) if y >= e["established"]]))
        source, category = _INVESTMENT_FUNDS[int(rng.integers(4 if year >= catalog.INTEGRATION_FIRST_YEAR else 3))]
        amount = float(rng.integers(50, 501))
        rate = float(rng.choice([5.0, 6.0, 8.0, 10.0]))
        d.add(
            "investments",
            {
                "investment_id": iid,
                "entity_credit_code": e["code"],
                "fund_source": source,
                "fund_category": category,
                "amount_wan": amount,
                "invest_date": dt.date(year, int(rng.integers(3, 10)), int(rng.integers(1, 28))),
                "agreed_return_pct": rate,
                "beneficiary_households": int(amount * rng.uniform(0.8, 1.6)),
            },
        )
        for dy in range(year + 1, 2018) if year < 2017 else [2017]:
            due = round(amount * 10000 * rate / 100 * (0.5 if dy == year else 1.0), 2)
            roll = rng.random()
            paid = due if roll > 0.2 else round(due * rng.uniform(0.3, 0.8), 2) if roll > 0.07 else 0.0
            d.add(
                "dividends",
                {
                    "investment_id": iid,
                    "year": dy,
                    "due_yuan": due,
                    "paid_yuan": paid,
                    "paid_date": dt.date(dy, 12, int(rng.integers(1, 29))) if paid > 0 else None,
                },
            )


_NO_LABOUR_MECHANISMS = ("分红", "土地流转")  # what a household without labour can earn from: assets and land


def _build_linkages(d: _District, households: list[dict], index: dict) -> None:
    """Linkages of 2015–2017. 2017: the 12,600 income households (带动增收) earn from one or two projects,
    2,538 of them hold a public-welfare post; every other registered household with labour capacity has
    a support arrangement without income yet (产业全覆盖), and some households without labour a 分红
    arrangement that paid nothing yet. Households without labour only earn from 分红 and 土地流转."""
    rng = d.rng
    village_township = {v["village_code"]: v["township_code"] for v in d.frames["villages"]}
    rows: list[dict] = []

    def link(h: dict, p: dict, mechanism: str, year: int, amount: float, sub: str | None = None) -> None:
        rows.append(
            {
                "household_id": h["household_id"],
                "project_id": p["project_id"],
                "mechanism": mechanism,
                "sub_type": sub,
                "year": year,
                "income_yuan": amount,
            }
        )

    def options(h: dict, year: int) -> list[tuple[dict, str, tuple[int, int]]]:
        tcode = village_township[h["village_code"]]
        opts: list[tuple[dict, str, tuple[int, int]]] = []
        pv = index["pv_village"].get(h["village_code"])
        if pv and pv["build_year"] <= year and pv["build_status"] != "在建":
            opts.append((pv, "分红", (400, 1000)))
        for p in index["fungus"].get(tcode, []):
            if p["build_year"] <= year:
                if p["project_type"] == "菌袋发放":
                    opts.append((p, "菌袋发放", (2000, 6000)))
                else:
                    opts += [(p, "务工", (3000, 12000)), (p, "土地流转", (300, 1500)), (p, "分红", (300, 900))]
        for p in index["artichoke"].get(tcode, []):
            if p["build_year"] <= year:
                opts.append((p, "订单收购", (1500, 5000)) if p["project_type"] == "订单种植" else (p, "土地流转", (300, 1500)))
        pilot = index["pilot"].get(h["village_code"])
        if pilot and year >= 2017:
            opts.append((pilot, "分红", (200, 800)))
        for p in index["other"].get(tcode, []):
            if p["build_year"] <= year:
                opts.append((p, "务工", (2000, 8000)))
        if h["labour_capacity"] == "无劳动能力":
            opts = [o for o in opts if o[1] in _NO_LABOUR_MECHANISMS]
        return opts

    # 2017 welfare posts, held by income households that can work: 生态护林员 and 公益性岗位 under their
    # 镇办's post projects (forestry and employment money), 保洁员 paid from the village PV station.
    linked = [h for h in households if h["_linked"]]
    able = [h for h in linked if h["labour_capacity"] == "有劳动能力"]
    working = [h for h in linked if h["labour_capacity"] in catalog.WORKING_CAPACITIES]
    holders: dict[str, list[dict]] = {}
    taken: set[str] = set()
    for post, pool in (("生态护林员", able), ("公益性岗位", working), ("保洁员", working)):
        if post == "保洁员":
            pool = [h for h in pool if h["_poor_village"] and index["pv_village"][h["village_code"]]["build_status"] != "在建"]
        pool = [h for h in pool if h["household_id"] not in taken]
        chosen = [pool[int(k)] for k in rng.choice(len(pool), size=WELFARE_POSTS[post][0], replace=False)]
        taken |= {h["household_id"] for h in chosen}
        holders[post] = chosen
    for post, chosen in holders.items():
        wage = float(WELFARE_POSTS[post][1])
        for h in chosen:
            tcode = village_township[h["village_code"]]
            p = index["pv_village"][h["village_code"]] if post == "保洁员" else index["posts"][tcode][post]
            link(h, p, "公益岗位", 2017, wage, post)
            if post != "保洁员":
                p["scale"] += 1.0
    for h in linked:
        opts = options(h, 2017)
        picks = rng.choice(len(opts), size=min(len(opts), 1 + int(rng.random() < 0.4)), replace=False)
        for k in picks:
            p, mech, (lo, hi) = opts[int(k)]
            link(h, p, mech, 2017, float(rng.integers(lo, hi) // 10 * 10))
    # Arrangements without income yet: bags handed out late in the year, artichoke planted for the
    # Spring Festival purchase round, or seedlings and livestock from 产业到户扶持.
    for h in households:
        if h["_linked"]:
            continue
        tcode = village_township[h["village_code"]]
        if h["labour_capacity"] in catalog.WORKING_CAPACITIES:
            pending = [(index["support"][tcode], "其他")] * 2
            pending += [(p, "菌袋发放") for p in index["fungus"][tcode] if p["project_type"] == "菌袋发放"]
            pending += [(p, "订单收购") for p in index["artichoke"].get(tcode, []) if p["project_type"] == "订单种植"]
            p, mech = pending[int(rng.integers(len(pending)))]
            link(h, p, mech, 2017, 0.0)
        elif rng.random() < 0.3:
            opts = [o for o in options(h, 2017) if o[1] == "分红"]
            if opts:
                link(h, opts[0][0], "分红", 2017, 0.0)
    # Earlier years: a share of the households not yet exited, one mechanism each.
    for year, share in ((2015, 0.25), (2016, 0.4)):
        for h in households:
            if h["identified_year"] > year or (h["exit_year"] is not None and h["exit_year"] < year) or rng.random() > share:
                continue
            opts = options(h, year)
            if opts:
                p, mech, (lo, hi) = opts[int(rng.integers(len(opts)))]
                link(h, p, mech, year, float(rng.integers(lo, hi) // 10 * 10))
    seen: set[tuple] = set()
    for r in rows:
        key = (r["household_id"], r["project_id"], r["mechanism"], r["year"])
        if key not in seen:
            seen.add(key)
            d.add("linkages", r)


# Which part of 家庭纯收入 a linkage's income is: wages, net business income, or property income.
_INCOME_KIND = {
    "务工": "wage",
    "公益岗位": "wage",
    "订单收购": "business",
    "菌袋发放": "business",
    "其他": "business",
    "分红": "property",
    "土地流转": "property",
}


def _build_household_income(d: _District, households: list[dict]) -> None:
    """household_income for 2016 and 2017 of every household registered by then.

    劳动力: 0 without labour capacity, 1 with weak capacity, 1–4 (at most the family) with full capacity,
    30,340 in all in 2017, of whom 23,283 in work (转移就业); a household earning wages from a linkage
    has someone in work. 家庭人均纯收入 is drawn around the line by status: households exited by the
    year above it, except EXITED_BELOW_LINE_2017 deliberate cases in 2017 (脱贫不达标); households
    not exited mostly below. Each source is at least what the household's linkages paid into it."""
    rng = d.rng
    n = len(households)
    size = np.array([h["family_size"] for h in households], dtype=np.int64)
    capacity = np.array([catalog.LABOUR_CAPACITIES.index(h["labour_capacity"]) for h in households])
    able, weak, without = (capacity == k for k in range(3))  # 有 / 弱 / 无劳动能力, in catalog order
    kind = np.array([catalog.HOUSEHOLD_KINDS.index(h["household_kind"]) for h in households])
    identified = np.array([h["identified_year"] for h in households])
    exit_year = np.array([h["exit_year"] or 9999 for h in households])
    position = {h["household_id"]: i for i, h in enumerate(households)}
    ids = np.array(list(position))
    links = pl.DataFrame(
        d.frames["linkages"], schema={"household_id": pl.String, "mechanism": pl.String, "year": pl.Int64, "income_yuan": pl.Float64}
    )
    links = links.with_columns(
        pl.col("household_id").replace_strict(position, return_dtype=pl.Int64).alias("at"),
        pl.col("mechanism").replace_strict(_INCOME_KIND).alias("kind"),
    )

    def linked_income(year: int) -> dict[str, np.ndarray]:
        sums = links.filter(pl.col("year") == year).group_by("at", "kind").agg(pl.col("income_yuan").sum())
        out = {k: np.zeros(n) for k in ("wage", "business", "property")}
        for k in out:
            part = sums.filter(pl.col("kind") == k)
            out[k][part["at"].to_numpy()] = part["income_yuan"].to_numpy()
        return out

    # Labourers: the 2017 figure exact; 2016 mostly the same households' labour, a few changed since.
    hi = np.where(able, np.minimum(size, 4), np.where(weak, 1, 0))
    lo = np.where(without, 0, 1)
    draw = 1 + rng.binomial(np.maximum(hi - 1, 0), 0.12)
    labourers = {2017: _exact_total(rng, draw, lo, hi, POOR_LABOURERS_2017)}
    changed = rng.random(n) < 0.05
    labourers[2016] = np.clip(labourers[2017] - changed * rng.integers(0, 2, n), lo, hi)
    incomes = {year: linked_income(year) for year in INCOME_YEARS}
    employed: dict[int, np.ndarray] = {}
    for year, rate, total in ((2016, 0.66, None), (2017, 0.77, LABOURERS_EMPLOYED_2017)):
        must_work = (incomes[year]["wage"] > 0).astype(np.int64)
        value = rng.binomial(labourers[year], np.where(able, rate, rate * 0.6))
        value = np.clip(value, must_work, labourers[year])
        employed[year] = value if total is None else _exact_total(rng, value, must_work, labourers[year], total)

    # 2017 脱贫不达标: exited households whose linkages paid little, so their total can stay below the line.
    linked_2017 = sum(incomes[2017].values()) / size
    exited_2017 = np.flatnonzero((exit_year <= 2017) & (linked_2017 < 0.6 * POVERTY_LINES[2017]))
    shortfall = np.zeros(n, dtype=bool)
    shortfall[rng.choice(exited_2017, size=EXITED_BELOW_LINE_2017, replace=False)] = True
    transfer_share = np.array([0.15, 0.4, 0.8])[kind]
    transfer_share = np.where(without, np.maximum(transfer_share, 0.6), transfer_share)
    for year in INCOME_YEARS:
        line = POVERTY_LINES[year]
        rows = np.flatnonzero(identified <= year)
        exited = exit_year <= year
        below = np.where(rng.random(n) < 0.85, rng.uniform(0.55, 0.97, n), rng.uniform(1.01, 1.3, n))
        per_person = line * np.where(exited, rng.uniform(1.08, 2.2, n), below)
        if year == 2017:
            per_person = np.where(shortfall, line * rng.uniform(0.7, 0.95, n), per_person)
        linked = incomes[year]
        from_links = linked["wage"] + linked["business"] + linked["property"]
        total = np.maximum(np.ceil(per_person * size), from_links)
        other = total - from_links
        transfer = np.floor(other * transfer_share)
        wage_share = np.where(employed[year] > 0, rng.uniform(0.6, 0.85, n), 0.0)
        wage = np.floor((other - transfer) * wage_share)
        prop = np.floor((other - transfer - wage) * 0.05)
        business = other - transfer - wage - prop
        frame = {
            "wage_income_yuan": linked["wage"] + wage,
            "business_income_yuan": linked["business"] + business,
            "property_income_yuan": linked["property"] + prop,
            "transfer_income_yuan": transfer,
            "labourers": labourers[year],
            "employed_labourers": employed[year],
        }
        columns = {"household_id": ids[rows], "year": np.full(rows.size, year)}
        columns |= {k: v[rows].astype(np.float64 if k.endswith("_yuan") else np.int64) for k, v in frame.items()}
        d.tables.setdefault("household_income", []).append(pl.DataFrame(columns))


_DISTRICT_TARGETS = (("光伏", "装机容量", 100, "兆瓦"), ("食用菌", "菌袋数量", 1000, "万袋"), ("菊芋", "种植面积", 10000, "亩"))


def _build_targets(d: _District, scale: int) -> None:
    """District targets (once, × scale: the targets table has no district), each district's 任务分解 to its
    14 towns (the 4 街道 get none) summing exactly to one district's target, and the poverty lines."""
    towns = [t["township_code"] for t in d.frames["townships"] if t["township_code"][-3] != "0"]
    projects = d.frames["projects"]
    poor_villages = {t: 0 for t in towns}
    for v in d.frames["villages"]:
        if v["is_poverty_village"] == "是" and v["township_code"] in poor_villages:
            poor_villages[v["township_code"]] += 1

    def planned(industry: str, town: str) -> float:
        return sum(
            p["scale"] for p in projects if p["industry"] == industry and p["township_code"] == town and p["poverty_project"] == "是"
        )

    for industry, indicator, value, unit in _DISTRICT_TARGETS:
        if d.index == 0:
            d.add(
                "targets",
                {"industry": industry, "indicator": indicator, "target_value": float(value * scale), "unit": unit, "target_year": 2020},
            )
        # Shares follow where the programme already is (poverty villages for PV), so progress varies.
        if industry == "光伏":
            weights = np.array([poor_villages[t] + 1.0 for t in towns])
        else:
            weights = np.array([planned(industry, t) + 50.0 for t in towns])
        shares = _exact_amounts(d.rng, weights * d.rng.uniform(0.8, 1.2, len(towns)), value * 10)
        for town, tenths in zip(towns, shares, strict=True):
            d.add(
                "township_targets",
                {
                    "township_code": town,
                    "industry": industry,
                    "indicator": indicator,
                    "target_value": tenths / 10,
                    "unit": unit,
                    "target_year": 2020,
                },
            )
    if d.index == 0:
        for year, line in POVERTY_LINES.items():
            d.add("poverty_lines", {"year": year, "line_yuan": float(line), "standard": POVERTY_LINE_STANDARD})


def generate_district(index: int, scale: int = 1, seed: int = SEED) -> dict[str, list[dict] | pl.DataFrame]:
    """One district's datasets: rows (dicts) or, for the large per-household ones, ready frames."""
    d = _District(index, np.random.default_rng([seed, index]), district_code(index), DISTRICT_NAME if index == 0 else f"示例{index}区")
    villages, poor = _build_geography(d)
    households = _build_households(d, villages)
    _set_agri_population(d, villages, households)
    project_index = _build_entities_projects(d, villages, poor)
    _build_pilots(d, villages, poor, project_index)
    _build_linkages(d, households, project_index)
    _build_household_income(d, households)
    _build_funds(d, project_index)
    _build_outputs(d)
    _build_investments(d, project_index["entities"])
    _build_targets(d, scale)
    # Dividends down to households, also from a generator of its own (see sample_dividends).
    sample_dividends.reconcile(d.frames, d.tables, _INCOME_KIND, np.random.default_rng([seed, index, 131]))
    # 项目库, 扶贫资产 and 收益分配 from a generator of their own: the rows above stay as they were.
    d.frames |= sample_lifecycle.build(d.frames, d.code, np.random.default_rng([seed, index, 13]))
    return {**d.frames, **{key: pl.concat(parts) for key, parts in d.tables.items()}}


def _frame(ds: catalog.Dataset, rows: list[dict] | pl.DataFrame) -> pl.DataFrame:
    schema_ = {c.name: catalog.POLARS_TYPES[c.type] for c in ds.columns}
    if isinstance(rows, pl.DataFrame):
        return rows.select(pl.col(name).cast(dtype) for name, dtype in schema_.items())
    names = ds.column_names  # a computed property: once, not per row
    return pl.DataFrame([[r.get(c) for c in names] for r in rows], schema=schema_, orient="row")


def generate(scale: int = 1, seed: int = SEED) -> dict[str, pl.DataFrame]:
    """All datasets for `scale` districts, as frames with catalog column names."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for index in range(scale):
        for key, rows in generate_district(index, scale, seed).items():
            parts.setdefault(key, []).append(_frame(catalog.dataset(key), rows))
    return {key: pl.concat(frames) for key, frames in parts.items()}


def load_sample(con: duckdb.DuckDBPyConnection, scale: int = 1, seed: int = SEED) -> dict[str, int]:
    """Create the schema and commit every sample dataset as one batch each (kind 'sample')."""
    schema.migrate(con)
    frames = generate(scale, seed)
    counts = {}
    for ds in catalog.load_order():
        frame = frames.get(ds.key)
        if frame is None or frame.is_empty():
            continue
        store.commit_rows(con, ds.key, frame, user="系统", file_name="示例数据", kind="sample")
        counts[ds.key] = frame.height
    schema.set_setting(con, "district_name", DISTRICT_NAME if scale == 1 else f"{DISTRICT_NAME}等{scale}个区县（示例）")
    schema.set_setting(con, "district_code", DISTRICT_CODE)
    return counts
