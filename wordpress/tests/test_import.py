"""import_wordpress on the fixture export (wordpress/tests/fixtures/export.xml): every rule, on the real site."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from home.models import HomePage, StandardPage
from news.models import ArticlePage, Author, SectionPage
from wordpress.models import ImportedItem
from wordpress.tests.conftest import EXPORT, FIXTURES, UPLOADS

pytestmark = pytest.mark.django_db(transaction=False)


def article(wp_id):
    row = ImportedItem.objects.get(kind="post", wp_id=str(wp_id))
    return ArticlePage.objects.get(pk=row.object_id)


def test_sections_authors_tags_and_articles(run_import):
    out, report, err = run_import(EXPORT, "--media-dir", str(UPLOADS))

    # Categories keep their hierarchy; a non-Latin slug is decoded.
    world = SectionPage.objects.get(slug="world")
    africa = SectionPage.objects.get(slug="africa")
    west = SectionPage.objects.get(slug="west-africa")
    assert africa.get_parent().pk == world.pk and west.get_parent().pk == africa.pk
    assert SectionPage.objects.get(slug="новости").title == "Новости"
    assert SectionPage.objects.get(slug="business").title == "Business & Money"

    # Authors: names as plain text, no email kept.
    tunde = Author.objects.get(slug="tunde")
    assert tunde.name == "Tunde Bakare" and tunde.email == "" and tunde.live
    assert Author.objects.get(slug="adaeze").email == ""

    budget = article(201)
    # HTML in a title is stored as plain text; Yoast's primary category is the section,
    # the other category becomes a tag.
    assert budget.title == "Budget passes the Senate"
    assert budget.get_parent().specific == SectionPage.objects.get(slug="business")
    assert sorted(tag.name for tag in budget.tags.all()) == ["Elections", "West Africa"]
    assert budget.standfirst == "The 2020 budget is through."
    assert budget.seo_title == "Senate passes the 2020 budget"
    assert budget.search_description == "How the Senate voted on the 2020 budget."
    assert budget.first_published_at == datetime.datetime(2020, 1, 10, 9, 0, tzinfo=datetime.UTC)
    assert budget.last_published_at == datetime.datetime(2020, 1, 11, 12, 0, tzinfo=datetime.UTC)
    assert budget.display_date == budget.first_published_at
    assert [link.author.slug for link in budget.article_authors.all()] == ["adaeze"]
    assert budget.hero_image is not None and budget.hero_image.description == "Tower blocks on Lagos Island at dusk"
    # Sticky → featured on the home page.
    assert list(HomePage.objects.get().featured_stories.values_list("article_id", flat=True)) == [budget.pk]

    # Without an excerpt, the first paragraph is the standfirst.
    assert article(202).standfirst == "Crude output rose in March."
    # No title: a readable fallback; no content: imported empty; many tags: all of them.
    assert article(209).title == "Untitled post (WordPress post 209)"
    assert list(article(210).body) == [] and article(210).live
    assert article(212).tags.count() == 40
    assert article(211).slug == "новости-дня"
    # Duplicate slug: a suffix and a report line.
    assert article(214).slug == "long-read-2"
    assert any("long-read-2" in line for line in report["warnings"])
    assert "post 214" in out

    # The summary counts.
    assert report["created"]["articles"] == 14
    assert report["created"]["sections"] == 5
    assert report["created"]["authors"] == 2
    assert report["created"]["pages"] == 2
    assert report["created"]["media"] == 4
    assert report["skipped"]["post: status 'trash'"] == 1
    # Comments: the approved, pending, spam and threaded ones (wordpress/tests/test_comments.py has the rules).
    assert report["created"]["comments"] == 6
    assert report["skipped"]["comment: pingback"] == 1
    assert any("gone.jpg" in line for line in report["media_missing"])
    assert "items/s" in err and "ETA" in err
    assert Page.find_problems() == ([], [], [], [], [])
    assert not ArticlePage.objects.filter(title__contains="Binned").exists()


def test_statuses(run_import):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    # future → scheduled at its time; one whose time has passed is published now.
    future = article(203)
    assert not future.live
    assert future.go_live_at == datetime.datetime(2099, 6, 1, 6, 0, tzinfo=datetime.UTC)
    assert future.get_latest_revision().approved_go_live_at == future.go_live_at
    assert article(204).live
    # draft and pending → drafts.
    assert not article(205).live and article(205).has_unpublished_changes
    assert not article(206).live
    assert article(205).title == "A draft"
    # private → live, behind a signed-in-users restriction.
    private = article(207)
    assert private.live
    assert PageViewRestriction.objects.get(page=private).restriction_type == PageViewRestriction.LOGIN
    # password → Wagtail's password restriction with the same password.
    protected = PageViewRestriction.objects.get(page=article(208))
    assert (protected.restriction_type, protected.password) == (PageViewRestriction.PASSWORD, "s3cret")


def test_pages_keep_their_hierarchy(run_import):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    about = StandardPage.objects.get(slug="about")
    team = StandardPage.objects.get(slug="team")
    assert team.get_parent().pk == about.pk and about.get_parent().specific_class is HomePage
    assert team.url == "/about/team/"
    # A standard page has no embed block: the video is a link.
    assert [block.block_type for block in team.body] == ["paragraph", "paragraph"]
    assert "youtube.com" in str(team.body[1].value)


def test_classic_body(run_import):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    body = article(201).body
    kinds = [block.block_type for block in body]
    assert kinds[:3] == ["paragraph", "image", "paragraph"]
    first = body[0].value.source
    # wpautop: a single newline is a line break; event attributes are gone.
    assert "2020 budget" in first and "<br/>" in first and "onclick" not in first
    assert body[1].value["caption"] == "Lagos, where the budget was debated"
    assert body[1].value["alt_text"] == "Lagos at dusk"
    assert body[1].value["image"].pk == article(201).hero_image_id
    links = body[2].value.source
    assert "javascript" not in links and 'href="https://old.example.com/bill"' in links
    assert "embed" in kinds and "gallery" in kinds and "heading" in kinds and "pull_quote" in kinds
    assert "table" in kinds
    embeds = [block.value["url"] for block in body if block.block_type == "embed"]
    assert embeds == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
    ]
    gallery = next(block for block in body if block.block_type == "gallery")
    assert len(gallery.value["images"]) == 2
    texts = " ".join(str(block.value) for block in body if block.block_type == "paragraph")
    assert "[contact-form-7" in texts and "<script" not in texts and "tracker" not in texts
    # The missing picture keeps its alt text.
    assert "[Image: Crowd at the rally]" in texts
    quote = next(block for block in body if block.block_type == "pull_quote")
    assert (quote.value["text"], quote.value["attribution"]) == ("We will deliver.", "The Minister")
    table = next(block for block in body if block.block_type == "table")
    assert [column["heading"] for column in table.value.columns] == ["Sector", "Naira"]


def test_gutenberg_body_and_report(run_import):
    out, report, _ = run_import(EXPORT, "--media-dir", str(UPLOADS))
    body = article(202).body
    kinds = [block.block_type for block in body]
    assert kinds == [
        "paragraph",  # paragraph
        "heading",  # heading level 3
        "paragraph",  # list
        "pull_quote",  # quote
        "pull_quote",  # pullquote
        "image",  # image
        "gallery",  # gallery of inner image blocks
        "embed",  # twitter
        "paragraph",  # soundcloud: a link
        "table",
        "paragraph",  # columns, flattened in order
        "paragraph",
        "paragraph",  # button → link
        "gallery",  # shortcode block
        "paragraph",  # jetpack/map, from its HTML
        "paragraph",  # html block, sanitised
        "paragraph",  # after <!--more-->
    ]
    assert body[1].value["level"] == "h3"
    assert "<ul>" in body[2].value.source
    assert body[5].value["caption"] == "Abuja, the capital" and body[5].value["alt_text"] == "Abuja skyline"
    assert body[7].value["title"] == "The announcement"
    assert [str(body[10].value), str(body[11].value)] == ["<p>Left column text.</p>", "<p>Right column text.</p>"]
    assert 'href="https://example.org/report.pdf"' in body[12].value.source
    assert "onmouseover" not in body[15].value.source and "style" not in body[15].value.source
    # The paginated post is one page.
    assert "Page three text." in str(article(213).body[0].value) or len(article(213).body) == 3
    content = report["content"]
    assert content["unknown shortcode [contact-form-7] kept as text"] == 2
    assert content["unknown shortcode [tweetable] kept as text"] == 1
    assert content["iframe dropped (ads.tracker.example)"] == 1
    assert content["block jetpack/map converted from its HTML"] == 1
    assert content["paginated post joined into one page (<!--nextpage-->)"] == 1
    assert "2 × unknown shortcode [contact-form-7] kept as text" in out


def test_media_documents_and_attachment_pages(run_import):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    Image, Document = get_image_model(), get_document_model()
    assert Image.objects.count() == 3
    assert Document.objects.get().title == "Budget document"
    lagos = Image.objects.get(title="Lagos skyline")
    assert (lagos.width, lagos.height) == (120, 80)


def test_rerun_creates_nothing_and_updates_what_changed(run_import, tmp_path):
    run_import(EXPORT, "--media-dir", str(UPLOADS))
    counts = (Page.objects.count(), Redirect.objects.count(), get_image_model().objects.count(), Tag.objects.count())
    _, report, _ = run_import(EXPORT, "--media-dir", str(UPLOADS))
    assert report["created"] == {}
    assert report["updated"] == {}
    assert report["unchanged"]["articles"] == 14
    assert report["unchanged"]["media"] == 4
    after = (Page.objects.count(), Redirect.objects.count(), get_image_model().objects.count(), Tag.objects.count())
    assert after == counts

    # WordPress changed one post since: only it is updated.
    changed = tmp_path / "changed.xml"
    text = EXPORT.read_text()
    old_date = "<wp:post_modified_gmt><![CDATA[2021-03-04 08:00:00]]></wp:post_modified_gmt>\n\t\t"
    new_date = old_date.replace("2021-03-04", "2021-04-04")
    slug = "<wp:post_name><![CDATA[gutenberg-oil]]>"
    text = text.replace("Crude output <em>rose</em> in March.", "Crude output fell in April.")
    text = text.replace(old_date + slug, new_date + slug)
    changed.write_text(text)
    _, report, _ = run_import(changed, "--media-dir", str(UPLOADS))
    assert report["updated"] == {"articles": 1}
    assert report["created"] == {}
    oil = article(202)
    assert str(oil.body[0].value) == "<p>Crude output fell in April.</p>"
    assert oil.live and oil.last_published_at == datetime.datetime(2021, 4, 4, 8, 0, tzinfo=datetime.UTC)
    assert Page.objects.count() == counts[0]


def test_dry_run_writes_nothing(run_import):
    def counts():
        return (Page.objects.count(), ImportedItem.objects.count(), Redirect.objects.count(), Author.objects.count())

    before = counts()
    out, report, _ = run_import(EXPORT, "--media-dir", str(UPLOADS), "--dry-run")
    assert "dry run" in out
    assert report["dry_run"] is True
    assert report["created"]["articles"] == 14
    assert (
        Page.objects.count(),
        ImportedItem.objects.count(),
        Redirect.objects.count(),
        Author.objects.count(),
    ) == before
    assert get_image_model().objects.count() == 0
    # The same media report as a real run: files that would be imported are not "missing".
    assert report["media_missing"] == [
        "https://old.example.com/wp-content/uploads/2020/01/gone.jpg: not in --media-dir",
        "post 201: https://old.example.com/wp-content/uploads/2020/01/gone.jpg",
    ]


def test_malformed_file_is_one_readable_line(home_page):
    with pytest.raises(CommandError) as raised:
        call_command("import_wordpress", str(FIXTURES / "malformed.xml"))
    message = str(raised.value)
    assert "malformed XML at line 1, column" in message and "\n" not in message
    assert not ImportedItem.objects.exists()


def test_missing_file_and_folder(home_page):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_wordpress", "/nonexistent/export.xml")
    with pytest.raises(CommandError, match="no such folder"):
        call_command("import_wordpress", str(EXPORT), "--media-dir", "/nonexistent/uploads")
