"""Authors gain draft state and revisions: every author already there stays live."""

AUTHOR_REVIEW = ("news", "0005_author_review")


def test_existing_authors_stay_live(migrator):
    old = migrator.apply_initial_migration(("news", "0004_move_trending_out")).apps
    old.get_model("news", "Author").objects.create(
        name="Ada Obi", slug="ada-obi", website_url="https://ada.example.com/"
    )

    new = migrator.apply_tested_migration(AUTHOR_REVIEW).apps

    ada = new.get_model("news", "Author").objects.get(slug="ada-obi")
    assert (ada.live, ada.has_unpublished_changes, ada.website_url) == (True, False, "https://ada.example.com/")
