"""Moving models between apps keeps their rows: a database migrated from the schema before the move."""

import datetime

import pytest
from django.db import IntegrityError

AFTER = [("core", "0001_initial"), ("site_settings", "0001_initial"), ("trending", "0001_initial")]
# The schema before the move: the apps the models came from at their last migration then, the new apps not at all.
BEFORE = [
    ("home", "0004_sitesettings_ads_txt_rate_card"),
    ("news", "0003_view_hour_index_hour_first"),
    *((app, None) for app, _ in AFTER),
]
HOUR = datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC)


def test_leases_counter_batches_trending_rows_and_settings_survive_the_move(migrator):
    migrator.apply_initial_migration(BEFORE[:2])
    old = migrator.apply_tested_migration(BEFORE).apps
    with pytest.raises(LookupError):
        old.get_model("core", "Lease")  # the schema before the move
    old.get_model("home", "Lease").objects.create(name="publish-scheduled", holder="worker-1", expires_at=HOUR)
    old.get_model("home", "FlushedBatch").objects.create(stream="views", token="a" * 32, hour=HOUR, entries=3)
    ViewHour = old.get_model("news", "ArticleViewHour")
    ViewHour.objects.bulk_create(
        [ViewHour(article_id=7, hour=HOUR, views=5), ViewHour(article_id=7, hour=HOUR, views=2)]
    )
    old.get_model("news", "TrendingList").objects.create(scope="site", computed_at=HOUR, items=[{"article": 7}])
    site = old.get_model("wagtailcore", "Site").objects.get(is_default_site=True)
    site_settings = old.get_model("home", "SiteSettings").objects.create(site=site, site_name="The Daily")
    old.get_model("home", "FooterLink").objects.create(settings=site_settings, page_id=site.root_page_id, label="About")
    # The permission an editor group holds to pin and ban trending stories.
    ContentType = old.get_model("contenttypes", "ContentType")
    override_type = ContentType.objects.create(app_label="news", model="trendingoverride")
    old.get_model("auth", "Permission").objects.create(
        codename="add_trendingoverride", name="Can add trending override", content_type=override_type
    )

    new = migrator.apply_tested_migration(AFTER).apps

    lease = new.get_model("core", "Lease").objects.get()
    assert (lease.name, lease.holder, lease.expires_at) == ("publish-scheduled", "worker-1", HOUR)
    batch = new.get_model("core", "FlushedBatch").objects.get()
    assert (batch.stream, batch.token, batch.entries) == ("views", "a" * 32, 3)
    views = new.get_model("trending", "ArticleViewHour").objects.filter(article_id=7, hour=HOUR)
    assert sorted(views.values_list("views", flat=True)) == [2, 5]
    assert new.get_model("trending", "TrendingList").objects.get(scope="site").items == [{"article": 7}]
    moved_settings = new.get_model("site_settings", "SiteSettings").objects.get(site_id=site.pk)
    assert moved_settings.site_name == "The Daily"
    assert list(new.get_model("site_settings", "FooterLink").objects.values_list("label", flat=True)) == ["About"]
    # The flush's idempotency still holds across the move: the same token cannot be applied twice.
    FlushedBatch = new.get_model("core", "FlushedBatch")
    with pytest.raises(IntegrityError):
        FlushedBatch.objects.create(stream="views", token="a" * 32, hour=HOUR, entries=1)
    permission = new.get_model("auth", "Permission").objects.get(codename="add_trendingoverride")
    assert permission.content_type.app_label == "trending"
