"""The sample's 项目库 history, 扶贫资产 and 收益分配 (issue 13), drawn from the generated projects,
villages, linkages and PV output so that everything agrees with the seed figures:

- every poverty project has its stages up to where its 建设状态 says (计划: 申报/入库, 在建: 实施,
  已建成 and 运营中: through 资产移交), dated in order around its 建设年度, with the 立项 and 验收 公示;
- each built 村级电站 is a 光伏电站 asset of its village collective, each village 生产基地 a 菌棚/大棚;
- each station's yearly income is split by a publicised 分配方案 whose household parts equal the
  station's linkages of that year (分红, 公益岗位), which cite the station (资产编号), so the sample reconciles;
- a few deliberate problems for the alerts: projects stuck in 实施, 验收 and 入库, stations passed 验收
  but not yet 确权/移交, idle and damaged 菌棚, stations whose income is not all distributed or whose
  plan promises households more than their linkages show.

It has a generator of its own, so the rows of the other datasets stay exactly as before (the station
linkages only gain their 资产编号).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from fupin_core.catalog import PROJECT_STAGES

LAST_DAY = dt.date(2017, 12, 28)  # the sample's data end with 2017
_STEPS = {"入库": (20, 45), "立项": (30, 60), "实施": (20, 40), "验收": (150, 240), "报账": (20, 40), "资产移交": (10, 30)}
_LAST_STAGE = {"计划": "入库", "在建": "实施", "已建成": "资产移交", "运营中": "资产移交"}
STUCK_IN_IMPLEMENTATION = 3
STUCK_AT_ACCEPTANCE = 2
STUCK_IN_LIBRARY = 2
TROUBLED_BASES = (("闲置", 2), ("损毁", 1))
UNDISTRIBUTED = 3
SHORT_TO_HOUSEHOLDS = 2
SHORT_AMOUNT_YUAN = 2000.0


def _days(rng: np.random.Generator, bounds: tuple[int, int]) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(bounds[0], bounds[1] + 1)))


def _stages(rng: np.random.Generator, project: dict, last: str, start: dt.date | None = None) -> list[tuple[str, dt.date]]:
    day = start or dt.date(project["build_year"] - 1, 9, 1) + _days(rng, (0, 75))
    out = [("申报", day)]
    for stage in PROJECT_STAGES[1 : PROJECT_STAGES.index(last) + 1]:
        day = min(max(day, day + _days(rng, _STEPS[stage])), LAST_DAY) if day < LAST_DAY else day
        out.append((stage, day))
    return out


def build(frames: dict[str, list[dict]], district: str, rng: np.random.Generator) -> dict[str, list[dict]]:
    projects = [p for p in frames["projects"] if p.get("poverty_project") != "否"]
    villages = {v["village_code"]: v for v in frames["villages"]}
    out: dict[str, list[dict]] = {"project_stages": [], "announcements": [], "assets": [], "asset_income": []}
    stations = [p for p in projects if p["project_type"] == "村级电站" and p["build_status"] in ("已建成", "运营中")]
    at_acceptance = {stations[int(i)]["project_id"] for i in rng.choice(len(stations), STUCK_AT_ACCEPTANCE, replace=False)}
    building = [p for p in projects if p["build_status"] == "在建"]
    in_implementation = {building[int(i)]["project_id"] for i in rng.choice(len(building), STUCK_IN_IMPLEMENTATION, replace=False)}
    planned = [p for p in projects if p["build_status"] == "计划"]
    in_library = {planned[int(i)]["project_id"] for i in rng.choice(len(planned), min(STUCK_IN_LIBRARY, len(planned)), replace=False)}
    dates: dict[str, dict[str, dt.date]] = {}
    for p in projects:
        pid = p["project_id"]
        last = "验收" if pid in at_acceptance else _LAST_STAGE[p["build_status"]]
        start = None
        if pid in in_implementation:
            start = dt.date(p["build_year"] - 2, 10, 8)  # 实施 began in the spring before last: stuck
        elif pid in in_library:
            start = dt.date(2015, 10, 12)
        elif p["build_status"] == "在建":
            start = dt.date(p["build_year"], 1, 5) + _days(rng, (0, 60))  # 申报 early in the year it is built
        stages = _stages(rng, p, last, start)
        dates[pid] = dict(stages)
        for stage, day in stages:
            doc = f"商扶发〔{day.year}〕{int(rng.integers(1, 200))}号" if stage in ("立项", "验收") else None
            out["project_stages"].append({"project_id": pid, "stage": stage, "stage_date": day, "doc_number": doc})
        place = villages[p["village_code"]]["village_name"] + "村委会公示栏" if p.get("village_code") else "镇政府公示栏"
        for stage, offset in (("立项", -14), ("验收", 3)):
            if stage in dates[pid]:
                begin = dates[pid][stage] + dt.timedelta(days=offset)
                out["announcements"].append(
                    {
                        "project_id": pid,
                        "stage": stage,
                        "content": f"{p['project_name']}{stage}公示",
                        "place": place,
                        "start_date": begin,
                        "end_date": begin + _days(rng, (9, 14)),
                    }
                )
    # Assets: built village stations and village 生产基地.
    station_assets: list[tuple[dict, dict]] = []
    bases = [p for p in projects if p["project_type"] == "生产基地" and p.get("village_code") and p["build_status"] in ("已建成", "运营中")]
    troubled = iter([status for status, n in TROUBLED_BASES for _ in range(n)])
    troubled_ids = {bases[int(i)]["project_id"] for i in rng.choice(len(bases), sum(n for _, n in TROUBLED_BASES), replace=False)}
    for serial, p in enumerate([*stations, *bases], start=1):
        village = villages[p["village_code"]]
        settled = p["project_id"] not in at_acceptance
        asset = {
            "asset_id": f"{district}-ZC-{serial:04d}",
            "asset_name": p["project_name"].removesuffix("村级光伏电站") + ("光伏电站" if p in stations else "菌棚"),
            "asset_type": "光伏电站" if p["project_type"] == "村级电站" else "菌棚/大棚",
            "project_id": p["project_id"],
            "village_code": p["village_code"],
            "value_wan": round(float(p["total_investment_wan"]), 2),
            "owner_type": "村集体" if settled else None,
            "owner_village_code": p["village_code"] if settled else None,
            "owner_household_id": None,
            "transfer_date": dates[p["project_id"]].get("资产移交") if settled else None,
            "caretaker": f"{village['village_name']}村委会" if settled else None,
            "status": next(troubled) if p["project_id"] in troubled_ids else "正常",
        }
        out["assets"].append(asset)
        if p in stations:
            station_assets.append((p, asset))
    out["asset_income"] = _distributions(frames, station_assets, villages, rng)
    return out


def _distributions(frames: dict, station_assets: list[tuple[dict, dict]], villages: dict, rng: np.random.Generator) -> list[dict]:
    """Each station's yearly income and 分配方案: the household parts are its linkages of the year."""
    linked: dict[tuple[str, int, str], float] = {}
    for link in frames["linkages"]:
        if link["income_yuan"] > 0:
            key = (link["project_id"], link["year"], link["mechanism"])
            linked[key] = linked.get(key, 0.0) + link["income_yuan"]
    revenue: dict[tuple[str, int], float] = {}
    for row in frames.get("pv_output", []):
        key = (row["project_id"], int(str(row["period"])[:4]))
        revenue[key] = revenue.get(key, 0.0) + row["revenue_yuan"]
    rows = []
    for p, asset in station_assets:
        for year in (2016, 2017):
            dividends = linked.get((p["project_id"], year, "分红"), 0.0)
            wages = linked.get((p["project_id"], year, "公益岗位"), 0.0)
            if dividends + wages <= 0:
                continue
            income = round(max(revenue.get((p["project_id"], year), 0.0), (dividends + wages) * 1.25), 2)
            works = round(income * 0.1, 2)
            village = villages[p["village_code"]]["village_name"]
            rows.append(
                {
                    "asset_id": asset["asset_id"],
                    "year": year,
                    "income_yuan": income,
                    "approved_by": f"{village}村民代表大会",
                    "approved_date": dt.date(year, 12, 1),
                    "publicity_start": dt.date(year, 12, 2),
                    "publicity_end": dt.date(year, 12, 11),
                    "welfare_wages_yuan": wages,
                    "public_works_yuan": works,
                    "rewards_yuan": 0.0,
                    "household_dividends_yuan": dividends,
                    "collective_retained_yuan": round(income - wages - works - dividends, 2),
                    "distributed_yuan": income,
                }
            )
    # The households' shares cite the asset (利益联结.资产编号): the station's 分红 and 公益岗位 links of each year distributed.
    distributed = {
        (p["project_id"], r["year"]): asset["asset_id"] for p, asset in station_assets for r in rows if r["asset_id"] == asset["asset_id"]
    }
    for link in frames["linkages"]:
        asset_id = distributed.get((link["project_id"], link["year"]))
        if asset_id and link["mechanism"] in ("分红", "公益岗位") and link["income_yuan"] > 0:
            link["asset_id"] = asset_id
    latest = [r for r in rows if r["year"] == 2017]
    picks = [latest[int(i)] for i in rng.choice(len(latest), UNDISTRIBUTED + SHORT_TO_HOUSEHOLDS, replace=False)]
    for r in picks[:UNDISTRIBUTED]:
        r["distributed_yuan"] = round(r["income_yuan"] * 0.8, 2)
    for r in picks[UNDISTRIBUTED:]:
        # The plan promises households more than their linkages show: a gap the page names.
        r["household_dividends_yuan"] += SHORT_AMOUNT_YUAN
        r["collective_retained_yuan"] = round(r["collective_retained_yuan"] - SHORT_AMOUNT_YUAN, 2)
    return rows
