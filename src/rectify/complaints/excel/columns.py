"""The complaints' spreadsheet columns, matched as the ledger's are.

Matching is the ledger's ColumnSet (rectify.problems.excel.headers): spaces, full-/half-width
brackets, stars and a bracketed unit suffix do not matter, so "罚款金额（元）" and
"罚款金额(万元)" are the same column, as are " 受理 编号 " and "受理编号".
"""

from django.utils.translation import gettext_lazy

from rectify.problems.excel.headers import Column, ColumnSet

# Columns the import reads; any order, any subset holding REQUIRED.
IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("original_order", "原始排序编码", ("序号", "排序", "排序编码", "原始序号")),
    Column("acceptance_no", "受理编号", ("信访编号", "举报件编号", "交办编号", "件号")),
    Column(
        "content",
        "交办问题基本情况",
        ("交办问题", "基本情况", "举报内容", "信访内容", "反映问题", "反映情况", "投诉内容"),
    ),
    Column("region", "行政区域", ("行政区划", "所属区域", "所在地区", "地区", "区县", "所属县区")),
    Column("pollution_types", "污染类型", ("污染类别", "污染种类")),
    Column("industry", "行业类型", ("行业类别", "行业")),
    Column("is_key", "是否重点件", ("重点件", "是否重点")),
    Column("longitude", "经度", ("东经",)),
    Column("latitude", "纬度", ("北纬",)),
    # The complainant: personal data, encrypted at intake, never echoed back.
    Column("name", "举报人", ("举报人姓名", "信访人", "投诉人", "举报人名称"), exported=False),
    Column(
        "phone",
        "举报人电话",
        ("联系电话", "举报人联系电话", "举报人联系方式", "联系方式"),
        exported=False,
    ),
    Column("address", "举报人地址", ("联系地址", "举报人住址", "住址"), exported=False),
)
REQUIRED = ("acceptance_no", "content", "pollution_types")
COLUMNS = ColumnSet(
    IMPORT_COLUMNS,
    REQUIRED,
    no_header=gettext_lazy(
        "No header row found in the first %(n)d rows. A complaints sheet needs at least "
        "the columns %(expected)s."
    ),
)
PERSONAL = ("name", "phone", "address")

# The office summary layout the export writes (office-formats.md), in order.
EXPORT_HEADERS: tuple[str, ...] = (
    "原始排序编码",
    "受理编号",
    "交办问题基本情况",
    "行政区域",
    "污染类型",
    "行业类型",
    "是否重点件",
    "牵头责任单位",
    "办理时限",
    "督察期间调查核实情况",
    "是否属实",
    "督察期间处理情况",
    "办结状态",
    "办结日期",
    "责令整改（家）",
    "立案处罚（家）",
    "罚款金额（元）",
    "立案侦查（件）",
    "行政拘留（人）",
    "刑事拘留（人）",
    "约谈（人）",
    "问责（人）",
    "问责情况",
    "是否重复",
    "重复关联件编号",
    "批次",
)
