import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db
def test_home_page_is_served(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No stories have been published yet." in response.content
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_unknown_path_is_a_styled_404(client, home_page):
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.django_db
def test_admin_login_page_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_admin_dashboard_needs_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_logged_in_admin_sees_the_dashboard(client, home_page):
    user = get_user_model().objects.create_superuser("editor-in-chief", "eic@example.com", "a-long-password-1")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"Dashboard" in response.content


@pytest.mark.django_db
def test_bootstrap_site_is_idempotent_and_creates_one_superuser(tmp_path, settings):
    from django.core.management import call_command
    from wagtail.models import Site

    from home.models import HomePage

    settings.VAR_DIR = tmp_path
    call_command("bootstrap_site", verbosity=0)
    call_command("bootstrap_site", verbosity=0)
    assert HomePage.objects.count() == 1
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == HomePage.objects.get()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    credentials = (tmp_path / "admin-credentials.txt").read_text()
    assert credentials.startswith("username: admin\npassword: ")
