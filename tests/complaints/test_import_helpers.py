"""Shared by the complaints import/export tests: a transfer list, workbooks, the PII key.

(No tests here; named test_import_* to sit with the files it serves.)"""

import base64
import io
import json
import zipfile
from datetime import date

import pytest

from rectify.complaints import crypto
from rectify.complaints.models import Complainant, Complaint, ComplaintBatch
from rectify.core.models import AuditEvent
from rectify.problems.testing import InspectionFactory

from ..problems.excel_helpers import workbook

CODE = "central-2025"
RECEIVED = date(2025, 5, 30)
HEADER = [
    "原始排序编码",
    "受理编号",
    "交办问题基本情况",
    "行政区域",
    "污染类型",
    "行业类型",
    "是否重点件",
    "经度",
    "纬度",
    "举报人",
    "联系电话",
    "举报人地址",
    "调查核实情况",
]
# The canary complainant: none of these may leave the encrypted record.
NAME, PHONE, ADDRESS = "林晓燕", "13985012345", "遵义市播州区鸭溪镇桂花村3组17号"


def rows() -> list[list]:
    """Three complaints as a team transfers them (the first with its complainant)."""
    return [
        [
            1,
            "D3GZ202505280001",
            f"播州区鸭溪镇某砂石场夜间生产噪声扰民，粉尘大。举报人{NAME}，电话{PHONE}。",
            "遵义市播州区",
            "大气污染、噪声",
            "工业类",
            "是",
            106.8,
            27.5,
            NAME,
            PHONE,
            ADDRESS,
            "",
        ],
        [
            2,
            "X3GZ202505280002",
            "开阳县某磷化工企业废水直排洋水河，河水发白。",
            "贵州省贵阳市开阳县",
            "水",
            "工业",
            "否",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            3,
            "D3GZ202505290003",
            "红花岗区某小区楼下餐馆油烟直排。",
            "红花岗区",
            "油烟污染",
            "城市管理类",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def book(data: list[list] | None = None, *, header=HEADER, title=None, sheet="交办清单") -> bytes:
    return workbook(rows() if data is None else data, header=header, title=title, sheet=sheet)


@pytest.fixture(name="pii_key")
def pii_key_fixture(settings):
    settings.RECTIFY_PII_KEY = base64.b64encode(bytes(range(32))).decode()
    crypto.reset_keys()
    yield
    crypto.reset_keys()


@pytest.fixture(name="inspection")
def inspection_fixture(orgs, pii_key):
    return InspectionFactory(code=CODE, name="中央第三生态环境保护督察组督察贵州省")


def state() -> tuple:
    """Everything an import may write, to compare before and after."""
    return (
        ComplaintBatch.objects.count(),
        list(Complaint.objects.order_by("pk").values_list("acceptance_no", "version", "content")),
        Complainant.objects.count(),
        AuditEvent.objects.count(),
    )


def xlsx_text(data: bytes) -> str:
    """Every XML part of a workbook, concatenated (what a grep of the file would see)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def audit_text() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("object_repr", "before", "after")), ensure_ascii=False
    )
