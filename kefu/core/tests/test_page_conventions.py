"""The one way pages do the things every page does (issue 12): no template brings its own styles, a
printed form uses the one print frame, and a list pages with the one pager. Guards against a new page
quietly copying the old habits back."""

from pathlib import Path

KEFU = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(KEFU.rglob("templates/**/*.html"))
PRINT_PAGES = [
    "hotline/templates/hotline/work_order_print.html",
    "customers/templates/customers/print.html",
    "processes/templates/processes/print/base.html",
    "collection/templates/collection/receipt.html",
    "workforce/templates/workforce/handover_print.html",
    "knowledge/templates/knowledge/outage_print.html",
    "reports/templates/reports/print.html",
    "meters/templates/meters/store/receipt_print.html",
    "meters/templates/meters/store/stocktake_print.html",
    "meters/templates/meters/store/stock_report_print.html",
    "meters/templates/meters/purchases/print.html",
    "quality/templates/quality/summary_print.html",
    "quality/templates/quality/rollup_print.html",
    "quality/templates/quality/sheet_print.html",
    "quality/templates/quality/sheet_print_batch.html",
    "archives/templates/archives/filing_contents_print.html",
    "archives/templates/archives/filing_cover_print.html",
    "quality/templates/quality/indicators_print.html",
    "quality/templates/quality/check_print.html",
    "inspection/templates/inspection/patrol_plan_print.html",
    "archives/templates/archives/keys_label.html",
    "archives/templates/archives/keys_register_print.html",
    "archives/templates/archives/loans_print.html",
    "archives/templates/archives/loans_register_print.html",
    "inspection/templates/inspection/notice_print.html",
    "inspection/templates/inspection/field_statement_print.html",
    "inspection/templates/inspection/evidence_print.html",
    "archives/templates/archives/destruction_print.html",
    "archives/templates/archives/destruction_form_print.html",
    "archives/templates/archives/holdings_print.html",
    "archives/templates/archives/handover_print.html",
    "inspection/templates/inspection/approval_registration_print.html",
    "inspection/templates/inspection/approval_form_print.html",
]


def _relative(path: Path) -> str:
    return str(path.relative_to(KEFU))


def test_no_template_has_a_style_block_of_its_own():
    offenders = [_relative(t) for t in TEMPLATES if "<style" in t.read_text(encoding="utf-8").lower()]
    assert offenders == [], "styles belong in static/kefu/kefu.css (or print.css for printed forms)"


def test_every_print_page_is_drawn_in_the_one_print_frame():
    for page in PRINT_PAGES:
        first_line = (KEFU / page).read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith('{% extends "print_base.html" %}'), page
    counter_forms = sorted((KEFU / "processes/templates/processes/print").glob("*.html"))
    assert all(
        f.read_text(encoding="utf-8").startswith('{% extends "processes/print/base.html" %}')
        for f in counter_forms
        if f.name != "base.html"
    )


def test_no_list_writes_its_own_pager():
    offenders = [
        _relative(t)
        for t in TEMPLATES
        if "上一页" in t.read_text(encoding="utf-8") and t.name != "_pager.html"
    ]
    assert offenders == [], "use {% load paging %}{% pager page %}"
