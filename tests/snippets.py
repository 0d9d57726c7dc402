"""Small synthetic documents shared by several test modules (made up for this project)."""

from __future__ import annotations

SANGONG_TABLE = [
    "2025年“三公”经费预算表",
    "单位：万元",
    "项目\t预算数",
    "合计\t2.20",
    "因公出国（境）费\t1.00",
    "公务用车购置及运行费\t1.20",
    "公务接待费\t0",
    "",
]

# Only a 三公 table under a full disclosure's title: 收支总表 and 支出表 are not there, so CORE.RD.0001 fails.
SANGONG_ONLY = "\n".join(["某某区文化服务中心2025年部门预算", "", *SANGONG_TABLE])
