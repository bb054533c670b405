"""The console's PDF: every branch in the ranking and the compliance table, a long name
printed whole (wrapped), whatever the number of branches."""

import io

from pypdf import PdfReader

from headoffice.exports import console_pdf
from headoffice.selectors import console_figures
from tests.accounts.factories import BranchFactory
from tests.headoffice.test_console import _figures
from tests.headoffice.test_figures import NOVEMBER


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_lists_every_branch_and_prints_a_long_name_whole(db):
    branches = [BranchFactory(code=f"B{i:03d}", name=f"第{i}营业部") for i in range(60)]
    long = BranchFactory(code="L01", name="上海浦东新区世纪大道第二证券营业部 & 陆家嘴分部")
    for i, branch in enumerate([*branches, long]):
        _figures(branch, NOVEMBER, churn=i, assets=f"{1_000_000_000 * i}.25", late_requests=i % 3)

    text = _text(console_pdf(console_figures(first=NOVEMBER, last=NOVEMBER)))
    whole = "".join(text.split())  # a name wrapped over two lines reads whole

    # Once in the ranking, once in the compliance table.
    assert all(whole.count(b.code) == 2 for b in [*branches, long])
    assert whole.count("".join(long.name.split())) == 2
    # An amount is not broken over two lines.
    assert "60,000,000,000.25" in text.splitlines()
