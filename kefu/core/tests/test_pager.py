from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from kefu.customers.selectors import SearchPage


def _render(page, query: str, tag_args: str = "", **context) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    template = Template("{% load paging %}{% pager page " + tag_args + " %}")
    return template.render(Context({"page": page, "request": request, **context}))


def test_the_links_keep_the_readers_filters_and_change_only_the_page():
    page = Paginator(range(100), 10).page(2)

    html = _render(page, "status=requested&q=%E6%96%87%E4%B8%89%E8%B7%AF&page=2")

    assert "第 2 / 10 页" in html
    assert 'href="?status=requested&amp;q=%E6%96%87%E4%B8%89%E8%B7%AF&amp;page=1">上一页' in html
    assert 'href="?status=requested&amp;q=%E6%96%87%E4%B8%89%E8%B7%AF&amp;page=3">下一页' in html


def test_the_first_page_has_no_previous_and_the_last_no_next():
    first = _render(Paginator(range(20), 10).page(1), "")
    last = _render(Paginator(range(20), 10).page(2), "page=2")

    assert "上一页" not in first and "下一页" in first
    assert "上一页" in last and "下一页" not in last


def test_a_list_that_counts_shows_the_total_with_its_unit():
    html = _render(Paginator(range(25), 10).page(1), "", 'count_unit="人"')

    assert "第 1 / 3 页，共 25 人" in html


def test_a_keyset_page_without_a_total_shows_only_its_number():
    result = SearchPage(query="张", field="name", page=3, customers=[], has_next=False)

    html = _render(result, "q=%E5%BC%A0&field=name&page=3")

    assert "第 3 页" in html and " / " not in html
    assert 'href="?q=%E5%BC%A0&amp;field=name&amp;page=2">上一页' in html
    assert "下一页" not in html


def test_a_bare_page_number_takes_has_next_from_the_view():
    html = _render(1, "metric=overdue", "has_next=True")

    assert 'href="?metric=overdue&amp;page=2">下一页' in html


def test_the_excel_download_beside_the_pager_carries_the_same_filters():
    html = _render(
        Paginator(range(5), 10).page(1), "q=x&field=name&page=1", 'export_path="/customers/export/"'
    )

    assert 'href="/customers/export/?q=x&amp;field=name">导出Excel' in html
