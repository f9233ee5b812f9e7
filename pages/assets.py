"""扶贫资产: the register, value by type and owner per 镇办/村, assets to settle (未确权/未移交 after 验收)
and idle or damaged ones, each asset's income and 分配方案, the reconciliation down to households,
and 村集体经济收入 with the villages at zero and below the threshold."""

import polars as pl
import streamlit as st

from fupin_core.formatting import markdown_literal
from fupin_core.metrics import assets, indicators
from fupin_core.reports import cards, names
from fupin_ui import auth_ui, data, filters, widgets

scope = filters.scope()
place = filters.place_name()

st.title(f"{markdown_literal(place)}{scope.year}年扶贫资产")
st.caption("资产按所在村统计，所属项目建设年度不晚于所选年度；确权、移交情况为所选年度年末的情况。")

CARD_ROWS = (
    ("assets", "asset_value_wan", "unsettled_assets", "troubled_assets"),
    ("asset_income_wan", "asset_income_distributed_wan", "collective_income_wan", "distribution_gap_projects"),
)
kpis = data.call(indicators.values, scope, keys=tuple(key for row in CARD_ROWS for key in row))
for row in CARD_ROWS:
    for column, key in zip(st.columns(4), row, strict=True):
        widgets.kpi_card(column, kpis, key)

st.subheader("资产台账")
register = data.call(assets.register, scope)
widgets.table(register, key="assets_register", first=("资产名称", "资产类型", "原值(万元)", "确权主体"), last=("资产编号", "项目编号"),
              total=("原值(万元)",), empty="所选范围没有扶贫资产")  # fmt: skip
widgets.csv_download(register, "下载资产台账（CSV）", f"{place}{scope.year}年扶贫资产台账.csv", key="assets_register_csv", scope=scope)
widgets.provenance(("assets", "projects"), scope, key="assets_register_src")

level = "各镇办" if scope.townships is None else "各村"
left, right = st.columns(2)
with left:
    st.subheader(f"{level}资产原值（按类型）")
    by_type = assets.value_of(register, scope, "type")
    widgets.table(by_type, key="assets_by_type", total=tuple(c for c in by_type.columns if c.endswith("(万元)")))
with right:
    st.subheader(f"{level}资产原值（按确权主体）")
    by_owner = assets.value_of(register, scope, "owner")
    widgets.table(by_owner, key="assets_by_owner", total=tuple(c for c in by_owner.columns if c.endswith("(万元)")))

st.subheader(f"验收后未确权或未移交（{widgets.indicator_text('unsettled_assets', kpis['unsettled_assets'])}）")
unsettled = data.call(assets.unsettled, scope)
if unsettled.is_empty():
    st.success("所选范围内没有验收后未确权或未移交的资产。")
else:
    widgets.table(unsettled, key="assets_unsettled", first=("问题", "验收后天数"), last=("资产编号",))

st.subheader(f"闲置或损毁（{widgets.indicator_text('troubled_assets', kpis['troubled_assets'])}）")
troubled = assets.troubled_of(register)
if troubled.is_empty():
    st.success("所选范围内没有闲置或损毁的资产。")
else:
    widgets.table(troubled, key="assets_troubled", first=("资产状态",), last=("资产编号",))

st.subheader("收益分配")
st.caption("分配方案各项之和等于收益；公益岗位工资、奖励补助和分红到户以利益联结到户，村集体留存计入村集体经济收入。")
shares = data.call(assets.distributions, scope)
widgets.table(shares, key="assets_shares", first=("资产名称", "收益(元)"), last=("资产编号",),
              total=tuple(c for c in shares.columns if c.endswith("(元)")), empty="所选范围本年度没有收益分配的记录")  # fmt: skip
widgets.provenance(("asset_income", "assets"), scope, key="assets_shares_src")

st.subheader("收益到户核对")
st.caption(
    "应分 = 资产收益；已分 = 已按方案拨付；应到户 = 方案中公益岗位工资、奖励补助和分红到户；"
    "到户 = 本年度注明该资产编号的利益联结收益（利益联结数据集的“资产编号”列）。"
)
reconciliation = data.call(assets.reconciliation, scope).sort("说明", nulls_last=True, maintain_order=True)  # gaps first
gaps = reconciliation.filter(reconciliation["说明"].is_not_null())
if reconciliation.is_empty():
    st.info("所选范围本年度没有收益分配的记录。")
elif gaps.is_empty():
    st.success(f"{reconciliation.height}项资产的收益已全部分配，到户金额与利益联结一致。")
else:
    st.warning(f"{gaps.height}项资产有差额，见“说明”列。")
widgets.table(reconciliation, key="assets_reconciliation", first=("说明", "资产"), last=("资产编号", "项目编号"),
              total=("应分(元)", "已分(元)", "未分(元)", "应到户(元)", "到户(元)", "到户差额(元)"), empty="没有可核对的收益分配")  # fmt: skip
dividends = data.call(assets.dividend_reconciliation, scope)
if not dividends.is_empty():
    st.caption("入股分红：经营主体本年度实付分红与其实施项目的分红到户（利益联结）对照；差额多为分红给村集体或非贫困股东。")
    widgets.table(dividends, key="assets_dividends", first=("说明", "经营主体"), last=("统一社会信用代码",),
                  total=("实付分红(元)", "分红到户(元)", "差额(元)"))  # fmt: skip

st.subheader("村集体经济收入")
threshold = st.number_input(
    "薄弱村标准（万元）", min_value=0.0, max_value=1000.0, value=assets.WEAK_COLLECTIVE_INCOME_WAN, step=1.0, key="assets_weak_threshold"
)
collective = data.call(assets.collective_income, scope, threshold)
if collective.is_empty():
    st.info("所选年度没有上报收益分配，村集体经济收入为未上报。")
else:
    counts = assets.collective_counts(collective)
    cols = st.columns(3)
    cols[0].metric("村集体经济收入", widgets.indicator_text("collective_income_wan", counts["collective_income_wan"]))
    cols[1].metric("未破零村", f"{counts['zero_income_villages']:,}个")
    cols[2].metric(f"收入低于{threshold:g}万元的村（不含未破零）", f"{counts['weak_only_villages']:,}个")
    widgets.table(collective, key="assets_collective", first=("情况", "村集体经济收入(万元)"), last=("村代码",))
    widgets.csv_download(
        collective, "下载各村集体经济收入（CSV）", f"{place}{scope.year}年村集体经济收入.csv", key="assets_collective_csv", scope=scope
    )

st.subheader("收益明白卡")
st.caption("每户一页（A4），列出该户本年度从各项目获得的每一笔收益（利益联结）、合计和人均，身份证号已隐去中间八位。")
card_villages = data.call(cards.villages_with_cards, scope)
if card_villages.is_empty():
    st.info("所选范围本年度没有有收益的利益联结，没有收益明白卡。")
elif card_villages.height > filters.MAX_VILLAGES_LISTED and not scope.one_township:
    st.info(f"共{card_villages.height:,}个村有收益明白卡，一个列表选不过来：请先在左侧选择一个镇办，再选村。")
else:
    labels = dict(
        zip(card_villages["村代码"], card_villages.select(pl.format("{}{}（{}户）", "镇办", "村", "户数(户)")).to_series(), strict=True)
    )
    village = st.selectbox("村", list(labels), format_func=lambda code: labels[code], key="cards_village")
    village_cards = data.call(cards.household_cards, scope.year, village=village)
    widgets.table(cards.card_list(village_cards), key="cards_list", first=("户主姓名", "合计(元)", "人均(元)"))
    village_label = card_villages.filter(card_villages["村代码"] == village).row(0, named=True)
    card_name = names.file_name(data.call(names.district_name) + village_label["镇办"] + village_label["村"], "收益明白卡",
                                scope.year, "docx")  # fmt: skip
    left, right = st.columns(2)
    left.download_button(
        "下载本村收益明白卡（Word，每户一页）",
        auth_ui.audited(lambda: cards.cards_docx(village_cards), card_name, scope),
        file_name=card_name,
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="cards_village_docx",
        on_click="ignore",
    )
    households = {c["household_id"]: c for c in village_cards}
    chosen = right.selectbox(
        "单户", list(households), format_func=lambda hid: f"{households[hid]['head_name']}（{hid}）", key="cards_household"
    )
    one_name = names.safe_file_name(f"{village_label['村']}{chosen}收益明白卡_{scope.year}.docx")
    right.download_button(
        "下载该户收益明白卡（Word）",
        auth_ui.audited(lambda: cards.cards_docx([households[chosen]]), one_name, scope),
        file_name=one_name,
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="cards_household_docx",
        on_click="ignore",
    )
