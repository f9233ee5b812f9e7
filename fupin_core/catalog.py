"""Declarative dataset catalog: the single source for tables, templates, validation, import and docs.

Every dataset is one `Dataset` below. Nothing else in the code base repeats a column list or a type
map: the DDL (storage.schema), the versioned store, the sample generator, the templates, file
normalisation and validation, the row places of security, and the data dictionary all walk these
definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

ColumnType = Literal["text", "int", "decimal", "date", "period"]

# DuckDB (and PostgreSQL) storage types for each logical column type.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "date": "DATE",
    "period": "VARCHAR",
}
# The same types in polars (files are read and typed as polars frames before they reach the store).
POLARS_TYPES: dict[str, pl.DataType] = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}
# What a user reads for each type: the template's 填表说明, the data dictionary.
TYPE_LABELS: dict[str, str] = {"text": "文本", "int": "整数", "decimal": "数字", "date": "日期", "period": "报告期"}

INDUSTRIES = ("光伏", "食用菌", "菊芋", "三变", "其他")
PROJECT_TYPES = {
    "光伏": ("村级电站", "户用光伏", "集中式电站"),
    "食用菌": ("生产基地", "菌袋发放"),
    "菊芋": ("种植基地", "订单种植"),
}
BUILD_STATUSES = ("计划", "在建", "已建成", "运营中")
SCALE_UNITS = {"光伏": "千瓦", "食用菌": "万袋", "菊芋": "亩"}
# The rule's name is also its message heading, so it is written from the table, never beside it.
SCALE_UNIT_RULE = "规模单位须与产业类别相符（" + "，".join(f"{industry} {unit}" for industry, unit in SCALE_UNITS.items()) + "）"
YES_NO = ("是", "否")
ENTITY_TYPES = ("农民专业合作社", "龙头企业", "村股份经济合作社", "家庭农场", "其他")
HOUSEHOLD_KINDS = ("一般贫困户", "低保贫困户", "特困供养贫困户")
POVERTY_CAUSES = ("因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金", "交通条件落后", "自身发展动力不足")
# 资金来源 is the level or channel the money comes from; 资金类别 says whether fiscal money was pooled
# as 统筹整合涉农资金 (国办发〔2016〕22号, from 2016) or spent as 财政专项扶贫资金 outside the pool. Two
# attributes, so no total counts a 万元 twice (integrated funds *are* central/provincial/… money).
FISCAL_SOURCES = ("中央财政", "省级财政", "市级财政", "区级财政")
FUND_SOURCES = (*FISCAL_SOURCES, "苏陕协作资金", "社会帮扶资金", "金融信贷", "企业自筹")
# Money that is invested by the operator itself, not allocated (下达) to the project.
SELF_FUNDED_SOURCES = ("企业自筹",)
INTEGRATED_FUNDS = "统筹整合涉农资金"
SPECIAL_POVERTY_FUNDS = "财政专项扶贫资金"
OTHER_FUNDS = "其他资金"
FUND_CATEGORIES = (INTEGRATED_FUNDS, SPECIAL_POVERTY_FUNDS, OTHER_FUNDS)
INTEGRATION_FIRST_YEAR = 2016
# Names of earlier versions, mapped by the migration that split source and category (schema m007).
LEGACY_FUND_SOURCES = {
    "统筹整合涉农资金": ("区级财政", INTEGRATED_FUNDS),
    "中央财政专项": ("中央财政", SPECIAL_POVERTY_FUNDS),
}
LABOUR_CAPACITIES = ("有劳动能力", "弱劳动能力", "无劳动能力")
# Households whose members can work: the denominator of 产业覆盖 (帮扶措施到户).
WORKING_CAPACITIES = ("有劳动能力", "弱劳动能力")
LINK_MECHANISMS = ("分红", "务工", "土地流转", "订单收购", "公益岗位", "菌袋发放", "其他")
WELFARE_POST_TYPES = ("生态护林员", "保洁员", "公益性岗位")
TARGET_INDICATORS = ("装机容量", "菌袋数量", "种植面积")
# 项目库: the stages of a project's life, in order (issue 13).
PROJECT_STAGES = ("申报", "入库", "立项", "实施", "验收", "报账", "资产移交")
PUBLICITY_STAGES = ("立项", "验收", "收益分配")
# 公告公示 lasts at least this many days, counting the first and the last day.
PUBLICITY_MIN_DAYS = 10
ASSET_TYPES = ("光伏电站", "菌棚/大棚", "冷库", "加工厂房", "设备", "股权", "其他")
ASSET_OWNER_TYPES = ("村集体", "农户")
ASSET_STATUSES = ("正常", "闲置", "损毁", "处置")
# 收益分配方案: the parts of an asset's yearly income, which add up to it (one column each below).
DISTRIBUTION_PARTS = (
    ("welfare_wages_yuan", "公益岗位工资"),
    ("public_works_yuan", "小型公益事业"),
    ("rewards_yuan", "奖励补助"),
    ("household_dividends_yuan", "分红到户"),
    ("collective_retained_yuan", "村集体留存"),
)
# The parts that reach households, each as linkages of the asset's project citing the asset (利益联结.资产编号).
HOUSEHOLD_PARTS = ("welfare_wages_yuan", "rewards_yuan", "household_dividends_yuan")

MIN_YEAR = 2010
MAX_YEAR = 2035


@dataclass(frozen=True)
class Column:
    """One column: its stored name, the Chinese header users see, and what a valid value is."""

    name: str
    header: str
    type: ColumnType = "text"
    required: bool = True
    enum: tuple[str, ...] | None = None
    # Named validators applied on import (implemented in the ingest layer): "id_card",
    # "credit_code", "year", "non_negative", "percent", "admin_code_9", "admin_code_12".
    checks: tuple[str, ...] = ()
    unit: str | None = None
    # (dataset key, column name) this value must exist in.
    references: tuple[str, str] | None = None
    synonyms: tuple[str, ...] = ()
    description: str = ""
    # Personal data: masked on pages and exports.
    sensitive: bool = False
    # The earliest year a "year" check accepts (a cooperative may be older than the programme).
    earliest_year: int = MIN_YEAR

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    description: str = ""
    # Cross-field rules, described for users and docs; enforced by the ingest layer.
    rules: tuple[str, ...] = field(default_factory=tuple)
    # Standards the whole district reports against (the poverty line): only an administrator uploads them.
    admin_only: bool = False

    @property
    def table(self) -> str:
        """Current-version table: one row per natural key."""
        return self.key

    @property
    def history_table(self) -> str:
        """Every version ever committed, with its batch id."""
        return f"{self.key}_history"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.key} has no column {name}")

    def header_of(self, name: str) -> str:
        return self.column(name).header


def _col(name: str, header: str, type: ColumnType = "text", **kw) -> Column:
    return Column(name=name, header=header, type=type, **kw)


_YEAR = dict(checks=("year",))
_MONEY = dict(checks=("non_negative",))

# A target, for the district (targets) and for a 镇办 (township_targets, its 任务分解).
_TARGET_COLUMNS = (
    _col("industry", "产业类别", enum=INDUSTRIES),
    _col("indicator", "指标", enum=TARGET_INDICATORS),
    _col("target_value", "目标值", "decimal", **_MONEY),
    _col("unit", "单位"),
    _col("target_year", "目标年度", "int", unit="年", **_YEAR),
)

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        key="townships",
        title="镇办",
        description="区内镇、街道办事处，代码为9位统计用区划代码。",
        natural_key=("township_code",),
        columns=(
            _col("township_code", "镇办代码", checks=("admin_code_9",), synonyms=("镇代码", "乡镇代码", "街道代码")),
            _col("township_name", "镇办名称", synonyms=("镇名称", "乡镇名称", "镇办")),
        ),
    ),
    Dataset(
        key="villages",
        title="村",
        description="行政村（社区），代码为12位统计用区划代码。",
        natural_key=("village_code",),
        columns=(
            _col("village_code", "村代码", checks=("admin_code_12",), synonyms=("村级代码", "行政村代码")),
            _col("village_name", "村名称", synonyms=("村名", "行政村")),
            _col("township_code", "镇办代码", references=("townships", "township_code"), synonyms=("镇代码", "乡镇代码")),
            _col("is_poverty_village", "是否贫困村", enum=YES_NO),
            _col("is_deep_poverty_village", "是否深度贫困村", enum=YES_NO),
            _col("exit_year", "退出年度", "int", required=False, unit="年", synonyms=("脱贫退出年度", "摘帽年度"), **_YEAR),
            _col(
                "agri_population",
                "农业户籍人口",
                "int",
                required=False,
                unit="人",
                checks=("non_negative",),
                synonyms=("农业人口", "户籍人口"),
                description="贫困发生率的分母；空白为未上报",
            ),
        ),
        rules=("深度贫困村必须是贫困村", "只有贫困村可以有退出年度"),
    ),
    Dataset(
        key="households",
        title="贫困户",
        description="建档立卡贫困户，一户一行。",
        natural_key=("household_id",),
        columns=(
            _col("household_id", "户编号", synonyms=("户编码", "贫困户编号")),
            _col("head_name", "户主姓名", synonyms=("户主", "姓名"), sensitive=True),
            _col(
                "head_id_number",
                "户主身份证号",
                checks=("id_card",),
                synonyms=("身份证号", "身份证号码", "户主身份证号码", "证件号码"),
                sensitive=True,
            ),
            _col("village_code", "村代码", references=("villages", "village_code")),
            _col("family_size", "家庭人口", "int", unit="人", checks=("positive",), synonyms=("家庭人口数", "人口数")),
            _col("household_kind", "贫困户属性", enum=HOUSEHOLD_KINDS, synonyms=("贫困户类型", "户属性")),
            _col("main_cause", "主要致贫原因", required=False, synonyms=("致贫原因",)),
            _col("identified_year", "识别年度", "int", unit="年", synonyms=("识别年份", "建档年度"), **_YEAR),
            _col("exit_year", "脱贫年度", "int", required=False, unit="年", synonyms=("脱贫年份",), **_YEAR),
            _col(
                "labour_capacity",
                "劳动能力",
                required=False,
                enum=LABOUR_CAPACITIES,
                synonyms=("劳动能力状况", "有无劳动能力"),
                description="户内有劳动能力成员的情况；空白为未上报",
            ),
        ),
        rules=("脱贫年度不早于识别年度",),
    ),
    Dataset(
        key="entities",
        title="经营主体",
        description="合作社、龙头企业、村股份经济合作社等新型经营主体。",
        natural_key=("credit_code",),
        columns=(
            _col("credit_code", "统一社会信用代码", checks=("credit_code",), synonyms=("信用代码", "社会信用代码")),
            _col("entity_name", "主体名称", synonyms=("名称", "合作社名称", "企业名称")),
            _col("entity_type", "主体类型", enum=ENTITY_TYPES),
            _col("industry", "所属产业", enum=INDUSTRIES, synonyms=("产业类别", "产业")),
            _col("township_code", "镇办代码", references=("townships", "township_code")),
            _col("village_code", "村代码", required=False, references=("villages", "village_code")),
            _col("legal_representative", "法定代表人", required=False, synonyms=("法人", "负责人")),
            _col("member_count", "成员数", "int", required=False, unit="人", checks=("non_negative",)),
            _col("registered_capital_wan", "注册资本(万元)", "decimal", required=False, unit="万元", synonyms=("注册资本",), **_MONEY),
            _col(
                "established_year",
                "成立年度",
                "int",
                required=False,
                unit="年",
                synonyms=("成立年份", "注册年度"),
                description="主体从这一年起计入各年度的主体数；空白视为一直存在",
                earliest_year=1949,
                **_YEAR,
            ),
        ),
    ),
    Dataset(
        key="projects",
        title="产业项目",
        description="百千万产业及其他产业扶贫项目。",
        natural_key=("project_id",),
        columns=(
            _col("project_id", "项目编号", synonyms=("项目编码", "项目代码")),
            _col("project_name", "项目名称"),
            _col("industry", "产业类别", enum=INDUSTRIES, synonyms=("所属产业", "产业")),
            _col("project_type", "项目类型", enum=tuple(t for ts in PROJECT_TYPES.values() for t in ts) + ("其他",)),
            _col("township_code", "镇办代码", references=("townships", "township_code")),
            _col("village_code", "村代码", required=False, references=("villages", "village_code")),
            _col(
                "operator_credit_code",
                "实施主体信用代码",
                required=False,
                references=("entities", "credit_code"),
                synonyms=("实施主体统一社会信用代码",),
            ),
            _col("build_year", "建设年度", "int", unit="年", **_YEAR),
            _col("build_status", "建设状态", enum=BUILD_STATUSES),
            _col("scale", "建设规模", "decimal", unit="规模单位", **_MONEY),
            _col("scale_unit", "规模单位", enum=tuple(SCALE_UNITS.values()) + ("个", "其他")),
            _col("total_investment_wan", "总投资(万元)", "decimal", unit="万元", synonyms=("总投资", "投资额(万元)"), **_MONEY),
            _col(
                "poverty_project",
                "是否扶贫项目",
                required=False,
                enum=YES_NO,
                description="招商引资的商业项目（如商业光伏电站）填“否”，不计入扶贫装机和扶贫电站；空白视为“是”",
            ),
            _col(
                "station_count",
                "电站数(座/户)",
                "int",
                required=False,
                unit="座/户",
                checks=("non_negative",),
                synonyms=("户数(户用光伏)", "电站数"),
                description="光伏项目：村级、集中式电站为座数（空白为1座），户用光伏为安装户数",
            ),
        ),
        rules=("项目类型须属于其产业类别", SCALE_UNIT_RULE),
    ),
    Dataset(
        key="funds",
        title="项目资金",
        description="按项目、资金来源、资金类别和年度的资金下达与支出；企业自筹为主体自有投入，不计入下达。",
        natural_key=("project_id", "fund_source", "fund_category", "year"),
        columns=(
            _col("project_id", "项目编号", references=("projects", "project_id")),
            _col("fund_source", "资金来源", enum=FUND_SOURCES, synonyms=("资金级次",), description="资金的级次或渠道"),
            _col(
                "fund_category",
                "资金类别",
                enum=FUND_CATEGORIES,
                synonyms=("资金性质", "是否统筹整合"),
                description="财政资金纳入统筹整合的为统筹整合涉农资金（2016年起），未纳入的财政扶贫资金为财政专项扶贫资金，其余为其他资金",
            ),
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("allocated_wan", "下达金额(万元)", "decimal", unit="万元", synonyms=("下达资金(万元)", "下达金额"), **_MONEY),
            _col("spent_wan", "支出金额(万元)", "decimal", unit="万元", synonyms=("支出资金(万元)", "支出金额"), **_MONEY),
        ),
        rules=(
            "支出金额不大于下达金额",
            "统筹整合涉农资金和财政专项扶贫资金只能来自财政",
            "统筹整合涉农资金自2016年起",
        ),
    ),
    Dataset(
        key="pv_output",
        title="光伏发电收益",
        description="光伏电站按报告期的发电量、收益及分配。",
        natural_key=("project_id", "period"),
        columns=(
            _col("project_id", "项目编号", references=("projects", "project_id")),
            _col("period", "报告期", "period", description="2017、2017Q3 或 2017-09"),
            _col("generation_kwh", "发电量(千瓦时)", "decimal", unit="千瓦时", synonyms=("发电量",), **_MONEY),
            _col("revenue_yuan", "发电收益(元)", "decimal", unit="元", synonyms=("发电收益",), **_MONEY),
            _col("distributed_yuan", "收益分配(元)", "decimal", unit="元", synonyms=("收益分配",), **_MONEY),
        ),
        rules=("收益分配不大于发电收益",),
    ),
    Dataset(
        key="fungus_output",
        title="食用菌生产",
        description="食用菌项目按报告期的菌袋、产量和销售收入。",
        natural_key=("project_id", "period"),
        columns=(
            _col("project_id", "项目编号", references=("projects", "project_id")),
            _col("period", "报告期", "period"),
            _col("bags_wan", "生产菌袋(万袋)", "decimal", unit="万袋", synonyms=("菌袋(万袋)", "生产菌袋"), **_MONEY),
            _col("fresh_yield_t", "鲜菇产量(吨)", "decimal", unit="吨", synonyms=("鲜菇产量",), **_MONEY),
            _col("sales_wan", "销售收入(万元)", "decimal", unit="万元", synonyms=("销售收入",), **_MONEY),
        ),
    ),
    Dataset(
        key="artichoke_output",
        title="菊芋种植",
        description="菊芋项目按年度的种植面积、产量和收购金额。",
        natural_key=("project_id", "year"),
        columns=(
            _col("project_id", "项目编号", references=("projects", "project_id")),
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("area_mu", "种植面积(亩)", "decimal", unit="亩", synonyms=("种植面积",), **_MONEY),
            _col("yield_t", "产量(吨)", "decimal", unit="吨", synonyms=("产量",), **_MONEY),
            _col("purchase_wan", "收购金额(万元)", "decimal", unit="万元", synonyms=("收购金额",), **_MONEY),
        ),
    ),
    Dataset(
        key="investments",
        title="入股投资",
        description="财政及帮扶资金入股经营主体。",
        natural_key=("investment_id",),
        columns=(
            _col("investment_id", "投资编号", synonyms=("入股编号",)),
            _col("entity_credit_code", "主体信用代码", references=("entities", "credit_code"), synonyms=("统一社会信用代码",)),
            _col("fund_source", "资金来源", enum=FUND_SOURCES, synonyms=("资金级次",)),
            _col("fund_category", "资金类别", required=False, enum=FUND_CATEGORIES, synonyms=("资金性质",)),
            _col("amount_wan", "投入金额(万元)", "decimal", unit="万元", synonyms=("入股金额(万元)", "投入金额"), **_MONEY),
            _col("invest_date", "投入日期", "date", synonyms=("入股日期",)),
            _col(
                "agreed_return_pct", "约定年收益率(%)", "decimal", unit="%", checks=("percent",), synonyms=("约定收益率(%)", "年收益率(%)")
            ),
            _col("beneficiary_households", "受益贫困户数", "int", unit="户", checks=("non_negative",)),
        ),
    ),
    Dataset(
        key="dividends",
        title="分红兑现",
        description="入股投资按年度应付与实付分红。",
        natural_key=("investment_id", "year"),
        columns=(
            _col("investment_id", "投资编号", references=("investments", "investment_id")),
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("due_yuan", "应付金额(元)", "decimal", unit="元", synonyms=("应付分红(元)", "应付金额"), **_MONEY),
            _col("paid_yuan", "实付金额(元)", "decimal", unit="元", synonyms=("实付分红(元)", "实付金额"), **_MONEY),
            _col("paid_date", "兑现日期", "date", required=False),
        ),
        rules=("实付金额大于0时须填兑现日期",),
    ),
    Dataset(
        key="linkages",
        title="利益联结",
        description="贫困户从产业项目获得收益的方式和金额；扶贫资产收益分配到户的部分注明资产编号。",
        natural_key=("household_id", "project_id", "mechanism", "year"),
        columns=(
            _col("household_id", "户编号", references=("households", "household_id")),
            _col("project_id", "项目编号", references=("projects", "project_id")),
            _col("mechanism", "联结方式", enum=LINK_MECHANISMS, synonyms=("带动方式", "利益联结方式")),
            _col("sub_type", "细分类型", required=False, synonyms=("岗位类型",)),
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("income_yuan", "收益金额(元)", "decimal", unit="元", synonyms=("收益(元)", "增收金额(元)", "收益金额"), **_MONEY),
            _col(
                "asset_id",
                "资产编号",
                required=False,
                references=("assets", "asset_id"),
                synonyms=("扶贫资产编号",),
                description="收益来自扶贫资产的收益分配（分红到户、公益岗位工资、奖励补助）时填该资产的编号，须是本行项目的资产；其他收益空白",
            ),
        ),
    ),
    Dataset(
        key="pilots",
        title="三变改革试点",
        description="资源变资产、资金变股金、农民变股东试点村。",
        natural_key=("village_code",),
        columns=(
            _col("village_code", "村代码", references=("villages", "village_code")),
            _col("pilot_year", "试点年度", "int", unit="年", **_YEAR),
            _col("district_funds_wan", "区级财政投入(万元)", "decimal", unit="万元", synonyms=("区级财政投入",), **_MONEY),
            _col("collective_org", "集体经济组织", synonyms=("集体经济组织名称",)),
            _col("quantified_assets_wan", "折股量化资产(万元)", "decimal", unit="万元", **_MONEY),
            _col("land_shares_mu", "入股土地(亩)", "decimal", unit="亩", **_MONEY),
            _col("shareholder_households", "股东户数", "int", unit="户", checks=("non_negative",)),
            _col("poor_shareholder_households", "贫困户股东户数", "int", unit="户", checks=("non_negative",)),
            _col("annual_dividend_wan", "年度分红(万元)", "decimal", unit="万元", **_MONEY),
            _col(
                "dividend_year",
                "分红年度",
                "int",
                required=False,
                unit="年",
                synonyms=("分红年份",),
                description="年度分红所属的年度：只在这一年显示，其他年度为未上报（不沿用）",
                **_YEAR,
            ),
        ),
        rules=("贫困户股东户数不大于股东户数",),
    ),
    Dataset(
        key="targets",
        title="目标",
        description="百千万等产业目标。",
        natural_key=("industry", "indicator", "target_year"),
        columns=_TARGET_COLUMNS,
    ),
    Dataset(
        key="township_targets",
        title="任务分解",
        description="区级目标分解到镇办的任务；没有任务分解的镇办不显示完成目标的百分比。",
        natural_key=("township_code", "industry", "indicator", "target_year"),
        columns=(_col("township_code", "镇办代码", references=("townships", "township_code")), *_TARGET_COLUMNS),
    ),
    Dataset(
        key="household_income",
        title="贫困户收入",
        description="贫困户按年度的家庭纯收入（按来源）和劳动力就业情况；家庭人均纯收入 = 四项收入之和 ÷ 家庭人口。",
        natural_key=("household_id", "year"),
        columns=(
            _col("household_id", "户编号", references=("households", "household_id")),
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("wage_income_yuan", "工资性收入(元)", "decimal", unit="元", synonyms=("工资性收入",), **_MONEY),
            _col(
                "business_income_yuan",
                "生产经营性净收入(元)",
                "decimal",
                unit="元",
                synonyms=("生产经营性收入(元)", "生产经营性收入"),
                **_MONEY,
            ),
            _col("property_income_yuan", "财产性收入(元)", "decimal", unit="元", synonyms=("财产性收入",), **_MONEY),
            _col("transfer_income_yuan", "转移性收入(元)", "decimal", unit="元", synonyms=("转移性收入",), **_MONEY),
            _col("labourers", "劳动力人数", "int", unit="人", checks=("non_negative",), synonyms=("劳动力数", "劳动力")),
            _col("employed_labourers", "转移就业人数", "int", unit="人", checks=("non_negative",), synonyms=("务工人数", "转移就业")),
        ),
        rules=("转移就业人数不大于劳动力人数",),
    ),
    Dataset(
        key="project_stages",
        title="项目阶段",
        description="项目库：项目从申报到资产移交的各阶段（申报、入库、立项、实施、验收、报账、资产移交）及其日期和文号。",
        natural_key=("project_id", "stage"),
        columns=(
            _col("project_id", "项目编号", references=("projects", "project_id"), synonyms=("项目编码", "项目代码")),
            _col("stage", "阶段", enum=PROJECT_STAGES, synonyms=("项目阶段", "环节")),
            _col("stage_date", "日期", "date", synonyms=("阶段日期", "完成日期", "批复日期", "验收日期")),
            _col("doc_number", "文号", required=False, synonyms=("批复文号", "文件编号", "文件文号")),
        ),
        rules=(
            "各阶段按申报、入库、立项、实施、验收、报账、资产移交的顺序，前一阶段未登记的不能登记后一阶段",
            "后一阶段的日期不早于前一阶段",
        ),
    ),
    Dataset(
        key="announcements",
        title="公告公示",
        description=f"项目立项、验收和收益分配方案的公告公示：内容、地点和起止日期；公示期不少于{PUBLICITY_MIN_DAYS}天（含首尾两天）。",
        natural_key=("project_id", "stage"),
        columns=(
            _col("project_id", "项目编号", references=("projects", "project_id")),
            _col("stage", "公示环节", enum=PUBLICITY_STAGES, synonyms=("阶段", "环节")),
            _col("content", "公示内容", synonyms=("内容",)),
            _col("place", "公示地点", synonyms=("地点",)),
            _col("start_date", "开始日期", "date", synonyms=("公示开始日期", "起始日期")),
            _col("end_date", "结束日期", "date", synonyms=("公示结束日期", "截止日期")),
        ),
        rules=("结束日期不早于开始日期", f"公示期不少于{PUBLICITY_MIN_DAYS}天"),
    ),
    Dataset(
        key="assets",
        title="扶贫资产",
        description="扶贫资产台账：项目形成的电站、菌棚、冷库、厂房、设备和股权，一项资产一行；确权到村集体或农户，移交后由管护责任人管护。",
        natural_key=("asset_id",),
        columns=(
            _col("asset_id", "资产编号", synonyms=("资产编码",)),
            _col("asset_name", "资产名称", synonyms=("名称",)),
            _col("asset_type", "资产类型", enum=ASSET_TYPES, synonyms=("资产类别",)),
            _col("project_id", "项目编号", required=False, references=("projects", "project_id"), description="形成该资产的项目"),
            _col("village_code", "所在村代码", references=("villages", "village_code"), synonyms=("村代码",)),
            _col("value_wan", "原值(万元)", "decimal", unit="万元", synonyms=("资产原值(万元)", "原值"), **_MONEY),
            _col("owner_type", "确权类型", required=False, enum=ASSET_OWNER_TYPES, synonyms=("产权归属",), description="空白为未确权"),
            _col(
                "owner_village_code",
                "确权村代码",
                required=False,
                references=("villages", "village_code"),
                synonyms=("产权村代码",),
                description="确权给村集体时填该村代码",
            ),
            _col(
                "owner_household_id",
                "确权户编号",
                required=False,
                references=("households", "household_id"),
                synonyms=("产权户编号",),
                description="确权给农户时填户编号",
            ),
            _col("transfer_date", "移交日期", "date", required=False, synonyms=("资产移交日期",), description="空白为未移交"),
            _col("caretaker", "管护责任人", required=False, synonyms=("管护责任单位", "管护主体")),
            _col("status", "资产状态", enum=ASSET_STATUSES, synonyms=("状态", "运营状态")),
        ),
        rules=("确权给村集体须填确权村代码，确权给农户须填确权户编号", "填了确权村代码或确权户编号须填确权类型"),
    ),
    Dataset(
        key="asset_income",
        title="资产收益分配",
        description=(
            "扶贫资产按年度的收益和收益分配方案（批准单位和日期、公示起止日期）：公益岗位工资、小型公益事业、奖励补助、"
            "分红到户和村集体留存之和等于收益；到户部分以利益联结到户，村集体留存计入村集体经济收入。"
        ),
        natural_key=("asset_id", "year"),
        columns=(
            _col("asset_id", "资产编号", references=("assets", "asset_id")),
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("income_yuan", "收益(元)", "decimal", unit="元", synonyms=("资产收益(元)", "收益金额(元)", "收益"), **_MONEY),
            _col("approved_by", "方案批准单位", required=False, synonyms=("批准单位", "审批单位")),
            _col("approved_date", "批准日期", "date", required=False, synonyms=("方案批准日期",)),
            _col("publicity_start", "公示开始日期", "date", required=False),
            _col("publicity_end", "公示结束日期", "date", required=False),
            *(_col(name, f"{label}(元)", "decimal", unit="元", synonyms=(label,), **_MONEY) for name, label in DISTRIBUTION_PARTS),
            _col(
                "distributed_yuan",
                "已分配(元)",
                "decimal",
                unit="元",
                synonyms=("已分配金额(元)", "实际分配(元)"),
                description="本年度已按方案拨付的金额",
                **_MONEY,
            ),
        ),
        rules=(
            "公益岗位工资、小型公益事业、奖励补助、分红到户和村集体留存之和等于收益",
            "已分配不大于收益",
            "公示结束日期不早于开始日期",
            f"收益分配方案公示期不少于{PUBLICITY_MIN_DAYS}天",
        ),
    ),
    Dataset(
        key="poverty_lines",
        title="贫困线",
        description="各年度农村贫困标准（元/人·年）。未上报的年度使用国家现行农村贫困标准；省定标准较高时由管理员上报。",
        natural_key=("year",),
        admin_only=True,
        columns=(
            _col("year", "年度", "int", unit="年", **_YEAR),
            _col("line_yuan", "贫困线(元/人·年)", "decimal", unit="元", synonyms=("贫困标准(元)", "贫困线"), checks=("positive",)),
            _col("standard", "标准名称", synonyms=("标准",), description="如：国家现行农村贫困标准、陕西省农村扶贫标准"),
        ),
    ),
)

BY_KEY: dict[str, Dataset] = {d.key: d for d in DATASETS}


def dataset(key: str) -> Dataset:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"未知数据集：{key}（可用：{', '.join(BY_KEY)}）") from None


def load_order() -> list[Dataset]:
    """Datasets ordered so that every referenced dataset comes before the ones that reference it."""
    ordered: list[Dataset] = []
    seen: set[str] = set()

    def visit(ds: Dataset) -> None:
        if ds.key in seen:
            return
        seen.add(ds.key)
        for col in ds.columns:
            if col.references and col.references[0] != ds.key:
                visit(BY_KEY[col.references[0]])
        ordered.append(ds)

    for ds in DATASETS:
        visit(ds)
    return ordered
