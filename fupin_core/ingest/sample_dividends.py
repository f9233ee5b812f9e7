"""The sample's dividends reconciled down to households (issue 13).

Before this step the generated 入股分红 (dividends of the money put into cooperatives and processors)
and the 分红 linkages were drawn independently, as were the 三变 pilots' poor shareholders and their
dividend links. Here, with a generator of its own:

- each entity's paid dividends of a year are split among poor households as 分红 linkages on the
  projects it runs: the households already holding a 分红 link there keep it (its amount now their
  share), others of its 镇办 join up to its investments' 受益贫困户数; an investment's 受益贫困户数 is
  then the households its entity's latest dividends reached (split by amount);
- a dividend unpaid although households hold a 分红 link on the entity's project becomes partly paid
  (still owed, so still overdue);
- in each 三变 pilot village every household earning from a linkage in 2017 holds shares: its poor
  shareholder households are exactly those with a 2017 dividend link on the pilot project, each
  paid an equal share of the part of the village's 年度分红 that goes to households;
- deliberate gaps for the page: DIVIDEND_GAP_ENTITIES entities passed only part of 2017's dividends on
  (the rest kept by the village collective), named on the 扶贫资产 page.

Only households already earning from a linkage in that year get a new link, so the seed's 带动增收
households and people do not move. A dividend replaces part of the household's other income, so its
total stays as it was; new shareholders are drawn only among households with room for that. Only a
household that already held a 分红 link and whose share outgrew its other income earns more in total
(a few dozen more households above the 2017 poverty line; the 脱贫不达标 households stay as they were).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

DIVIDEND = "分红"
# Share of a 三变 pilot's 年度分红 paid to shareholder households; the rest is 集体留存.
PILOT_HOUSEHOLD_SHARE = 0.7
# Of the households a dividend may reach in a 镇办, at most this share is drawn (several entities share a 镇办).
POOL_SHARE = 0.5
DIVIDEND_GAP_ENTITIES = 2
DIVIDEND_GAP_SHARE = 0.85  # what the gap entities passed on to households


def _split_cents(rng: np.random.Generator, total_yuan: float, n: int) -> list[float]:
    """`total_yuan` split into n positive amounts (to the 分) summing exactly to it."""
    cents = round(total_yuan * 100)
    weights = rng.uniform(0.6, 1.4, n)
    parts = np.floor(weights / weights.sum() * cents).astype(np.int64)
    parts[np.argsort(-weights)[: cents - int(parts.sum())]] += 1
    return [int(c) / 100 for c in parts]


def reconcile(frames: dict[str, list[dict]], tables: dict, income_kind: dict[str, str], rng: np.random.Generator) -> None:
    """Rewrite the district's 分红 linkages, dividends, investments' 受益贫困户数, pilots' poor shareholder
    households and household_income in place (see the module docstring)."""
    links: list[dict] = frames["linkages"]
    before = _income_by_kind(links, income_kind)
    township_of = {v["village_code"]: v["township_code"] for v in frames["villages"]}
    village_of = {h["household_id"]: h["village_code"] for h in frames["households"]}
    earning: dict[int, set[str]] = {}
    for link in links:
        if link["income_yuan"] > 0:
            earning.setdefault(link["year"], set()).add(link["household_id"])
    by_key = {(r["household_id"], r["project_id"], r["mechanism"], r["year"]): r for r in links}
    holding: dict[tuple[str, int], list[str]] = {}  # (project, year) → households earning a 分红 there
    for r in links:
        if r["mechanism"] == DIVIDEND and r["income_yuan"] > 0:
            holding.setdefault((r["project_id"], r["year"]), []).append(r["household_id"])

    def give(household: str, project: str, year: int, amount: float) -> None:
        row = by_key.get((household, project, DIVIDEND, year))
        if row is None:
            row = {"household_id": household, "project_id": project, "mechanism": DIVIDEND, "sub_type": None, "year": year}
            links.append(row)
            by_key[(household, project, DIVIDEND, year)] = row
        row["income_yuan"] = amount

    # A household joins only where its other income can make room for the dividend (see _keep_total_income).
    room = _room(tables, before)
    _entity_dividends(frames, earning, township_of, village_of, holding, give, room, rng)
    _pilot_dividends(frames, earning, village_of, holding, give, room)
    _keep_total_income(tables, before, _income_by_kind(links, income_kind))


def _room(tables: dict, linked: dict) -> dict[tuple[str, int], float]:
    """Per household and year: its income other than linkage income that a dividend may replace."""
    out = {}
    for frame in tables["household_income"]:
        for h, year, wage, business, transfer in frame.select(
            "household_id", "year", "wage_income_yuan", "business_income_yuan", "transfer_income_yuan"
        ).iter_rows():
            own = linked.get((h, year), {"wage": 0.0, "business": 0.0})
            out[(h, year)] = max(0.0, wage - own["wage"]) + max(0.0, business - own["business"]) + transfer
    return out


def _entity_dividends(frames, earning, township_of, village_of, holding, give, room, rng) -> None:
    investments = {i["investment_id"]: i for i in frames["investments"]}
    projects_of: dict[str, list[dict]] = {}
    for p in frames["projects"]:
        if p.get("operator_credit_code") and p["poverty_project"] == "是":
            projects_of.setdefault(p["operator_credit_code"], []).append(p)
    dividends: dict[tuple[str, int], list[dict]] = {}
    for d in frames["dividends"]:
        dividends.setdefault((investments[d["investment_id"]]["entity_credit_code"], d["year"]), []).append(d)
    latest = max(year for _, year in dividends)
    paying = sorted(key for key, rows in dividends.items() if key[1] == latest and sum(r["paid_yuan"] for r in rows) > 0)
    gaps = {paying[int(i)] for i in rng.choice(len(paying), DIVIDEND_GAP_ENTITIES, replace=False)}
    reached_latest: dict[str, int] = {}
    taken: dict[tuple[str, int], set[str]] = {}  # (镇办, year) → households already given a new entity dividend
    for (entity, year), rows in sorted(dividends.items()):
        live = [p for p in projects_of.get(entity, []) if p["build_year"] <= year]
        if not live:
            continue
        live_ids = {p["project_id"] for p in live}
        # Households already holding a 分红 link of the year on one of its projects (the first such project).
        chosen: dict[str, str] = {}
        for project in sorted(live_ids):
            for h in holding.get((project, year), ()):
                chosen.setdefault(h, project)
        paid = sum(r["paid_yuan"] for r in rows)
        if paid <= 0 and chosen:
            # Households show this entity's 分红 although nothing was recorded paid: part was paid after all.
            for r in rows:
                r["paid_yuan"] = round(r["due_yuan"] * float(rng.uniform(0.3, 0.8)), 2)
                r["paid_date"] = dt.date(year, 12, int(rng.integers(1, 29)))
            paid = sum(r["paid_yuan"] for r in rows)
        if paid <= 0:
            continue
        project_in = {}
        for p in live:
            project_in.setdefault(p["township_code"], []).append(p["project_id"])
        wanted = sum(investments[r["investment_id"]]["beneficiary_households"] for r in rows)
        share = 1.5 * paid / max(wanted, 1)  # what a new household must have room for
        for township in sorted(project_in):
            busy = taken.setdefault((township, year), set())
            pool = sorted(
                h
                for h in earning.get(year, ())
                if township_of[village_of[h]] == township and h not in chosen and h not in busy and room.get((h, year), 0.0) >= share
            )
            joining = max(0, min(wanted - len(chosen), int(len(pool) * POOL_SHARE)))
            for k in rng.choice(len(pool), size=joining, replace=False) if joining else ():
                h = pool[int(k)]
                options = project_in[township]
                chosen[h] = options[int(rng.integers(len(options)))]
                busy.add(h)
        to_households = paid * DIVIDEND_GAP_SHARE if (entity, year) in gaps else paid
        households = sorted(chosen)
        for h, amount in zip(households, _split_cents(rng, to_households, len(households)), strict=True):
            give(h, chosen[h], year, amount)
        if year == latest:
            reached_latest[entity] = len(households)
    # 受益贫困户数: the households the entity's latest dividends reached, split over its investments by amount.
    for entity, count in reached_latest.items():
        own = [i for i in frames["investments"] if i["entity_credit_code"] == entity]
        weights = np.array([i["amount_wan"] for i in own])
        shares = np.floor(weights / weights.sum() * count).astype(np.int64)
        shares[np.argsort(-weights)[: count - int(shares.sum())]] += 1
        for i, n in zip(own, shares, strict=True):
            i["beneficiary_households"] = int(n)


def _pilot_dividends(frames, earning, village_of, holding, give, room) -> None:
    pilot_project = {p["village_code"]: p["project_id"] for p in frames["projects"] if p["industry"] == "三变"}
    for pilot in frames["pilots"]:
        year = pilot["dividend_year"]
        project = pilot_project.get(pilot["village_code"])
        if year is None or project is None:
            continue
        # Shares are equal: each shareholder household gets the same part of what goes to households.
        each = np.floor(pilot["annual_dividend_wan"] * 10000 * PILOT_HOUSEHOLD_SHARE / pilot["shareholder_households"] * 100) / 100
        already = sorted(holding.get((project, year), ()))
        joining = sorted(
            h
            for h in earning.get(year, ())
            if village_of[h] == pilot["village_code"] and h not in already and room.get((h, year), 0.0) >= each
        )
        holders = (already + joining)[: pilot["shareholder_households"]]
        for h in holders:
            give(h, project, year, float(each))
        pilot["poor_shareholder_households"] = len(holders)


def _income_by_kind(links: list[dict], income_kind: dict[str, str]) -> dict[tuple[str, int], dict[str, float]]:
    out: dict[tuple[str, int], dict[str, float]] = {}
    for r in links:
        if r["income_yuan"]:
            part = out.setdefault((r["household_id"], r["year"]), {"wage": 0.0, "business": 0.0, "property": 0.0})
            part[income_kind[r["mechanism"]]] += r["income_yuan"]
    return out


def _keep_total_income(tables: dict, before: dict, after: dict) -> None:
    """Move each household's change in linkage income into its income sources: the property income takes
    the dividends, and its other (non-linkage) business, transfer and wage income give way, so the total
    stays the same (it grows only where those do not suffice)."""
    import polars as pl

    frames = []
    for frame in tables["household_income"]:
        year = int(frame["year"][0])
        rows = frame.to_dicts()
        for row in rows:
            key = (row["household_id"], year)
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            old = old or {"wage": 0.0, "business": 0.0, "property": 0.0}
            delta = new["property"] - old["property"]
            row["property_income_yuan"] += delta
            if delta < 0:
                row["business_income_yuan"] -= delta
            for column, linked in (
                ("business_income_yuan", new["business"]),
                ("transfer_income_yuan", 0.0),
                ("wage_income_yuan", new["wage"]),
            ):
                give_way = min(max(delta, 0.0), max(0.0, row[column] - linked))
                row[column] -= give_way
                delta -= give_way
            for column in ("wage_income_yuan", "business_income_yuan", "property_income_yuan", "transfer_income_yuan"):
                row[column] = round(row[column], 2)  # amounts to the 分, without float residue
        frames.append(pl.DataFrame(rows, schema=frame.schema))
    tables["household_income"] = frames
