"""Editors create every page type through the real admin forms; bad input is a field error."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Collection, Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_factories import ImageFactory

from home.models import HomePage, StandardPage
from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import ArticlePage, SectionPage


def article_form_data(author, **overrides):
    data = {
        "title": "Court adjourns Senate suit to January",
        "slug": "court-adjourns-senate-suit",
        "standfirst": "The Federal High Court in Abuja fixed January 14 for hearing.",
        "kind": "news",
        "byline_override": "",
        "hero_caption": "",
        "hero_credit": "",
        "tags": "Judiciary, Senate",
        "article_authors": inline_formset([{"author": author.pk}]),
        "corrections": inline_formset([]),
        "body": streamfield([("paragraph", rich_text("<p>The court said the matter was urgent.</p>"))]),
    }
    data.update(overrides)
    return nested_form_data(data)


class TreeRulesTests(WagtailPageTestCase):
    def test_home_only_under_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(SectionPage, HomePage)

    def test_sections_under_home_or_another_section(self):
        self.assertCanCreateAt(HomePage, SectionPage)
        self.assertCanCreateAt(SectionPage, SectionPage)
        self.assertCanNotCreateAt(ArticlePage, SectionPage)
        self.assertCanNotCreateAt(StandardPage, SectionPage)
        self.assertCanNotCreateAt(Page, SectionPage)

    def test_articles_only_under_sections_and_childless(self):
        self.assertCanCreateAt(SectionPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertCanNotCreateAt(StandardPage, ArticlePage)
        self.assertCanNotCreateAt(Page, ArticlePage)
        for child in (ArticlePage, SectionPage, StandardPage, HomePage):
            self.assertCanNotCreateAt(ArticlePage, child)

    def test_standard_pages_only_under_home_and_childless(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanNotCreateAt(SectionPage, StandardPage)
        for child in (ArticlePage, SectionPage, StandardPage):
            self.assertCanNotCreateAt(StandardPage, child)

    def test_allowed_subpage_models(self):
        self.assertAllowedSubpageTypes(SectionPage, {SectionPage, ArticlePage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertAllowedParentPageTypes(ArticlePage, {SectionPage})


class EditorTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("bootstrap_site", "--no-superuser", verbosity=0)
        cls.home = HomePage.objects.get()
        cls.section = SectionPageFactory(parent=cls.home, title="Judiciary")
        cls.author = AuthorFactory(name="Ngozi Okafor", role="Judiciary Correspondent")
        cls.user = get_user_model().objects.create_superuser("desk", "desk@example.com", "a-long-password-1")

    def setUp(self):
        self.client.force_login(self.user)

    def post_article(self, **overrides):
        # Publishing, because Wagtail defers required-field and block validation
        # for drafts: an editor may save an unfinished story.
        return self.client.post(
            f"/admin/pages/add/news/articlepage/{self.section.pk}/",
            article_form_data(self.author, **{"action-publish": "action-publish", **overrides}),
        )


class CreateThroughAdminTests(EditorTestCase):
    def test_create_section(self):
        self.assertCanCreate(
            self.home,
            SectionPage,
            nested_form_data(
                {"title": "Sports", "slug": "sports", "intro": "Scores and stories.", "articles_per_page": 20}
            ),
        )
        self.assertTrue(SectionPage.objects.filter(slug="sports", live=True).exists())

    def test_create_nested_section(self):
        more = SectionPageFactory(parent=self.home, title="More")
        self.assertCanCreate(
            more,
            SectionPage,
            nested_form_data({"title": "Africa", "slug": "africa", "intro": "", "articles_per_page": 20}),
        )
        self.assertEqual(SectionPage.objects.get(slug="africa").get_parent().pk, more.pk)

    def test_create_article_with_author_tags_and_body(self):
        self.assertCanCreate(self.section, ArticlePage, article_form_data(self.author))
        article = ArticlePage.objects.get(slug="court-adjourns-senate-suit")
        self.assertTrue(article.live)
        self.assertEqual(article.authors, [self.author])
        self.assertEqual(sorted(tag.name for tag in article.tags.all()), ["Judiciary", "Senate"])
        self.assertEqual(article.body[0].block_type, "paragraph")
        # The display date defaults to the first publication.
        self.assertEqual(article.display_date, article.first_published_at)

    def test_create_standard_page(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "About us",
                    "slug": "about-us",
                    "body": streamfield([("paragraph", rich_text("<p>We report the news.</p>"))]),
                }
            ),
        )
        self.assertTrue(StandardPage.objects.filter(slug="about-us").exists())

    def test_preview_offers_mobile_and_desktop_sizes(self):
        article = ArticlePageFactory(parent=self.section)
        names = {size["name"] for size in article.preview_sizes}
        self.assertTrue({"mobile", "desktop"} <= names)
        response = self.client.get(f"/admin/pages/{article.pk}/edit/")
        self.assertContains(response, "Preview in mobile size", html=False)

    def test_editor_tabs_have_help_texts(self):
        response = self.client.get(f"/admin/pages/add/news/articlepage/{self.section.pk}/")
        self.assertEqual(response.status_code, 200)
        for tab in ("Content", "Promote", "Settings"):
            self.assertContains(response, tab)
        self.assertContains(response, "at most 300 characters")


class BadInputTests(EditorTestCase):
    def assertFieldError(self, response, text):
        self.assertEqual(response.status_code, 200, "a rejected form re-renders, it does not redirect")
        self.assertContains(response, "The page could not be created due to validation errors")
        self.assertContains(response, text)

    def test_missing_standfirst(self):
        response = self.post_article(standfirst="")
        self.assertFieldError(response, "This field is required")
        self.assertFalse(ArticlePage.objects.exists())

    def test_blank_standfirst(self):
        response = self.post_article(standfirst="   ")
        self.assertFalse(ArticlePage.objects.exists())
        self.assertEqual(response.status_code, 200)

    def test_standfirst_over_300_characters(self):
        response = self.post_article(standfirst="x" * 301)
        self.assertFieldError(response, "at most 300 characters")

    def test_article_without_author(self):
        response = self.post_article(article_authors=inline_formset([], min=1))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ArticlePage.objects.exists())

    def test_same_author_twice(self):
        response = self.post_article(
            article_authors=inline_formset([{"author": self.author.pk}, {"author": self.author.pk}])
        )
        # The inline formset's own unique check catches it before the database does.
        self.assertFieldError(response, "Please correct the duplicate data for article and author")
        self.assertFalse(ArticlePage.objects.exists())

    def test_duplicate_slug(self):
        ArticlePageFactory(parent=self.section, slug="court-adjourns-senate-suit")
        response = self.post_article()
        self.assertFieldError(response, "is already in use within the parent page")
        self.assertEqual(ArticlePage.objects.filter(slug="court-adjourns-senate-suit").count(), 1)

    def test_invalid_embed_url(self):
        body = streamfield([("embed", {"url": "https://example.com/some-video", "title": ""})])
        response = self.post_article(body=body)
        self.assertFieldError(response, "Unsupported embed address")
        self.assertFalse(ArticlePage.objects.exists())

    def test_youtube_url_without_a_video(self):
        body = streamfield([("embed", {"url": "https://www.youtube.com/channel/abc", "title": ""})])
        response = self.post_article(body=body)
        self.assertFieldError(response, "does not name a video")

    def test_image_without_alt_text(self):
        image = ImageFactory(title="DSC_0042", description="", collection=Collection.get_first_root_node())
        body = streamfield([("image", {"image": image.pk, "alt_text": "", "caption": "", "credit": ""})])
        response = self.post_article(body=body)
        self.assertFieldError(response, "alt text is required")
        self.assertFalse(ArticlePage.objects.exists())

    def test_image_with_a_description_needs_no_alt_text(self):
        image = ImageFactory(
            title="DSC_0043", description="Lawyers outside the court", collection=Collection.get_first_root_node()
        )
        body = streamfield([("image", {"image": image.pk, "alt_text": "", "caption": "", "credit": ""})])
        self.post_article(body=body)
        self.assertTrue(ArticlePage.objects.filter(slug="court-adjourns-senate-suit").exists())

    def test_gallery_needs_two_images(self):
        image = ImageFactory(collection=Collection.get_first_root_node())
        gallery = {"title": "", "images": streamfield([{"image": image.pk, "caption": ""}])}
        response = self.post_article(body=streamfield([("gallery", gallery)]))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ArticlePage.objects.exists())


class ArticleListingAdminTests(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.politics = SectionPageFactory(parent=cls.home, title="Politics")
        cls.columnist = AuthorFactory(name="Reuben Abati", role="Columnist")
        # Search indexing runs on commit, which a TestCase never reaches by itself.
        with cls.captureOnCommitCallbacks(execute=True):
            cls.court_story = ArticlePageFactory(
                parent=cls.section, title="Tribunal sacks senator", authors=[cls.author]
            )
            cls.column = ArticlePageFactory(
                parent=cls.politics, title="Letter to the President", kind="column", authors=[cls.columnist]
            )
            for page in (cls.court_story, cls.column):
                page.save_revision().publish()
        cls.draft = ArticlePageFactory(parent=cls.politics, title="Unfinished budget story", live=False)

    def get(self, query=""):
        response = self.client.get(f"/admin/articles/{query}")
        self.assertEqual(response.status_code, 200)
        # Only the results table: the filter form lists every author and section.
        html = response.content.decode()
        return html[html.index('id="listing-results"') :]

    def test_listing_shows_section_authors_kind_status(self):
        html = self.get()
        for text in ("Tribunal sacks senator", "Letter to the President", "Reuben Abati", "Ngozi Okafor", "Column"):
            self.assertIn(text, html)
        for heading in ("Section", "Authors", "Kind", "Status", "Last edited by"):
            self.assertIn(heading, html)

    def test_unpublished_is_not_called_a_draft(self):
        ArticlePage.objects.get(pk=self.court_story.pk).unpublish()
        html = self.get("?status=unpublished")
        self.assertIn("Tribunal sacks senator", html)
        self.assertNotIn("Unfinished budget story", html)  # never published: a draft
        self.assertNotIn("Letter to the President", html)
        row = html[html.index("Tribunal sacks senator") :]
        row = row[: row.index("</tr>")]
        self.assertIn("unpublished", row)
        draft_row = self.get("?status=draft")
        self.assertIn("draft", draft_row[draft_row.index("Unfinished budget story") :])

    def test_last_edited_by_and_my_drafts(self):
        colleague = get_user_model().objects.create_superuser("bisi", "bisi@example.com", "a-long-password-2")
        colleague.first_name, colleague.last_name = "Bisi", "Adeyemi"
        colleague.save()
        self.draft.save_revision(user=self.user)
        self.column.title = "Letter to the President, revised"
        self.column.save_revision(user=colleague)

        html = self.get()
        row = html[html.index("Letter to the President, revised") :]
        self.assertIn("Bisi Adeyemi", row[: row.index("</tr>")])

        mine = self.get("?mine=true")
        self.assertIn("Unfinished budget story", mine)  # my revision, not live
        self.assertNotIn("Letter to the President", mine)  # a colleague's change
        self.assertNotIn("Tribunal sacks senator", mine)  # live, nothing pending
        self.client.force_login(colleague)
        theirs = self.get("?mine=true")
        self.assertIn("Letter to the President, revised", theirs)  # live with their unpublished change
        self.assertNotIn("Unfinished budget story", theirs)

    def test_listing_queries_do_not_grow_with_the_number_of_articles(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count():
            with CaptureQueriesContext(connection) as queries:
                self.get()
            return len(queries)

        count()  # the first request caches the site and the user's profile
        before = count()
        for n in range(6):
            page = ArticlePageFactory(parent=self.politics, title=f"Extra story {n}", authors=[self.columnist])
            page.save_revision(user=self.user).publish()
        self.assertEqual(count(), before)

    def test_filter_by_section(self):
        html = self.get(f"?section={self.politics.pk}")
        self.assertIn("Letter to the President", html)
        self.assertNotIn("Tribunal sacks senator", html)

    def test_filter_by_author(self):
        html = self.get(f"?author={self.author.pk}")
        self.assertIn("Tribunal sacks senator", html)
        self.assertNotIn("Letter to the President", html)

    def test_filter_by_kind(self):
        html = self.get("?kind=column")
        self.assertIn("Letter to the President", html)
        self.assertNotIn("Tribunal sacks senator", html)

    def test_filter_by_status(self):
        html = self.get("?status=draft")
        self.assertIn("Unfinished budget story", html)
        self.assertNotIn("Tribunal sacks senator", html)

    def test_search_by_standfirst_and_author(self):
        self.assertIn("Tribunal sacks senator", self.get("?q=Okafor"))
        self.assertNotIn("Letter to the President", self.get("?q=Okafor"))
        self.assertIn("Letter to the President", self.get("?q=letter"))

    def test_authors_snippet_listing_and_search(self):
        response = self.client.get("/admin/snippets/news/author/?q=Abati")
        self.assertContains(response, "Reuben Abati")
        self.assertNotContains(response, "Ngozi Okafor")

    def test_authors_search_sorted_by_a_column(self):
        # Sorting search results needs the column as a filter field of the search index.
        for ordering in ("name", "-role", "slug"):
            response = self.client.get(f"/admin/snippets/news/author/?q=Abati&ordering={ordering}")
            self.assertContains(response, "Reuben Abati")


class ArticleFormTests(EditorTestCase):
    def test_the_form_speaks_of_one_author_and_has_no_menu_switch(self):
        html = self.client.get(f"/admin/pages/add/news/articlepage/{self.section.pk}/").content.decode()
        self.assertIn("Add author", html)
        self.assertNotIn("Add authors", html.replace("Add Authors", "Add authors"))
        self.assertNotIn('name="show_in_menus"', html)  # menus list sections, never stories

    def test_time_pickers_step_by_quarter_hours(self):
        html = self.client.get(f"/admin/pages/add/news/articlepage/{self.section.pk}/").content.decode()
        for field_id in ("id_go_live_at", "id_expire_at", "id_display_date"):
            script = html[html.index(f'initDateTimeChooser("{field_id}"') :]
            self.assertIn('"step": 15', script[: script.index("</script>")], field_id)


def table_form(rows, columns=(("text", "State"), ("number", "Votes"))):
    """The POST of a table block as Wagtail's table editor sends it (prefix body-0-value)."""
    prefix = "body-0-value"
    data = {
        "body-count": "1",
        "body-0-type": "table",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "table-1",
        f"{prefix}-caption": "Votes by state",
        f"{prefix}-column-count": str(len(columns)),
        f"{prefix}-row-count": str(len(rows)),
    }
    for index, (kind, heading) in enumerate(columns):
        data.update(
            {
                f"{prefix}-column-{index}-type": kind,
                f"{prefix}-column-{index}-order": str(index),
                f"{prefix}-column-{index}-heading": heading,
                f"{prefix}-column-{index}-deleted": "",
            }
        )
    for row_index, values in enumerate(rows):
        data.update({f"{prefix}-row-{row_index}-order": str(row_index), f"{prefix}-row-{row_index}-deleted": ""})
        for column_index, value in enumerate(values):
            data[f"{prefix}-cell-{row_index}-{column_index}"] = value
    return data


class TableRuleTests(EditorTestCase):
    """Save draft and Publish follow one rule for tables; empty cells render empty, never "None"."""

    def post_with_table(self, rows, action):
        data = article_form_data(self.author, **({action: action} if action else {}))
        for key in [key for key in data if key.startswith("body-")]:
            del data[key]
        data.update(table_form(rows))
        return self.client.post(f"/admin/pages/add/news/articlepage/{self.section.pk}/", data)

    def test_the_empty_first_row_wagtail_adds_is_dropped_on_draft_and_on_publish(self):
        rows = [["", ""], ["Kano", "1200"], ["Lagos", ""]]
        for action in (None, "action-publish"):
            with self.subTest(action=action):
                ArticlePage.objects.all().delete()
                response = self.post_with_table(rows, action)
                self.assertEqual(response.status_code, 302, response.content.decode()[:300])
                page = ArticlePage.objects.get()
                table = page.get_latest_revision_as_object().body[0].value
                self.assertEqual([row["values"][0] for row in table.row_data], ["Kano", "Lagos"])
        html = self.client.get(page.url).content.decode()
        body = html[html.index("<caption>Votes by state</caption>") :]
        body = body[: body.index("</table>")]
        self.assertNotIn("None", body)
        self.assertIn("<td>Lagos</td><td></td>", "".join(body.split()))  # the empty number cell

    def test_a_table_with_nothing_in_it_is_refused_on_draft_and_on_publish(self):
        for action in (None, "action-publish"):
            with self.subTest(action=action):
                response = self.post_with_table([["", ""]], action)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "This table is empty")
                self.assertFalse(ArticlePage.objects.exists())


class ImplausibleInputTests(EditorTestCase):
    """Malformed posts that once answered 500 (tests/test_fuzz_admin.py found them): now form errors."""

    def test_go_live_in_year_one_is_a_field_error_not_a_server_error(self):
        # 0001-01-01 00:00 in Lagos is year 0 in UTC, which Python cannot hold.
        for field_name in ("go_live_at", "expire_at", "display_date"):
            response = self.post_article(**{field_name: "0001-01-01 00:00"})
            self.assertEqual(response.status_code, 200, field_name)
            self.assertContains(response, "Enter a date between the years 1900 and 2999")
        self.assertFalse(ArticlePage.objects.exists())

    def test_go_live_in_year_one_on_sections_and_standard_pages(self):
        for page_type, parent in (("news/sectionpage", self.home), ("home/standardpage", self.home)):
            response = self.client.post(
                f"/admin/pages/add/{page_type}/{parent.pk}/",
                nested_form_data(
                    {
                        "title": "About us",
                        "slug": "about-us",
                        "go_live_at": "0001-01-01 00:00",
                        "articles_per_page": 20,
                        "body": streamfield([]),
                        "action-publish": "action-publish",
                    }
                ),
            )
            self.assertContains(response, "Enter a date between the years 1900 and 2999", status_code=200)
        self.assertFalse(Page.objects.filter(slug="about-us").exists())

    def test_tag_without_letters_or_digits_is_refused(self):
        # Its slug would be empty: publishing then failed to name its tag page for the purge.
        response = self.post_article(tags="Judiciary, ..")
        self.assertContains(response, "has no letters or digits", status_code=200)
        self.assertFalse(ArticlePage.objects.exists())

    def test_section_with_a_unicode_slug_publishes_and_has_a_feed(self):
        # Its feed address once failed to reverse, so publishing it answered 500.
        response = self.client.post(
            f"/admin/pages/add/news/sectionpage/{self.home.pk}/",
            nested_form_data(
                {"title": "Économie", "slug": "économie", "articles_per_page": 20, "action-publish": "action-publish"}
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(SectionPage.objects.get(slug="économie").live)
        self.assertEqual(self.client.get("/feed/section/%C3%A9conomie/").status_code, 200)
