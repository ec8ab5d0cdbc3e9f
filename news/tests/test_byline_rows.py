"""The article form's byline rows: a swap, and rows gone stale in another tab.

Each is either saved as the editor meant it or answered with a form error; never
a 500 (the (article, author) unique constraint) and never a lost byline. (One
form naming an author twice, or an author deleted meanwhile, was already a form
error.)
"""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from news.factories import ArticlePageFactory, AuthorFactory, SectionPageFactory
from news.models import ArticlePage

pytestmark = pytest.mark.django_db

PUBLISH = "action-publish"
ALREADY = "is already in this article's byline"


@pytest.fixture
def section(home_page):
    return SectionPageFactory(parent=home_page, title="Politics")


@pytest.fixture
def admin(django_user_model):
    # A 500 is answered as a 500 here, as a reader's browser would get it, not raised into the test.
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
    return client


@pytest.fixture
def ada():
    return AuthorFactory(name="Ada Obi")


@pytest.fixture
def ben():
    return AuthorFactory(name="Ben Eze")


def edit_form(article, rows, *, action=PUBLISH):
    """The edit form's POST; `rows` are byline rows, those with an "id" being the ones the form was opened with."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "kind": "news",
        "article_authors": inline_formset(rows, initial=sum(1 for row in rows if "id" in row), min=1),
        "body": streamfield([("paragraph", rich_text("<p>Residents moved to higher ground.</p>"))]),
        "corrections": inline_formset([]),
        "comments": inline_formset([]),
    }
    if action:
        data[action] = action
    return nested_form_data(data)


def edit_url(article):
    return reverse("wagtailadmin_pages:edit", args=(article.pk,))


def byline(article):
    """The live byline in the database, in order."""
    return list(
        ArticlePage.objects.get(pk=article.pk)
        .article_authors.order_by("sort_order")
        .values_list("author__name", flat=True)
    )


def row_errors(response):
    return [form.errors for form in response.context["form"].formsets["article_authors"].forms]


def test_swapping_two_authors_publishes(admin, section, ada, ben):
    article = ArticlePageFactory(parent=section, authors=[ada, ben])
    first, second = article.article_authors.order_by("sort_order")

    response = admin.post(
        edit_url(article),
        edit_form(article, [{"id": first.pk, "author": ben.pk}, {"id": second.pk, "author": ada.pk}]),
    )

    assert response.status_code == 302
    assert byline(article) == ["Ben Eze", "Ada Obi"]


def test_a_stale_tab_adding_an_author_added_meanwhile_is_a_form_error(admin, section, ada, ben):
    article = ArticlePageFactory(parent=section, authors=[ada])
    link = article.article_authors.get()
    opened_before = edit_form(article, [{"id": link.pk, "author": ada.pk}, {"author": ben.pk}])
    # Another tab adds Ben and publishes.
    assert admin.post(edit_url(article), opened_before).status_code == 302
    assert byline(article) == ["Ada Obi", "Ben Eze"]

    # The first tab, opened before, adds Ben too.
    response = admin.post(edit_url(article), opened_before)

    assert response.status_code == 200
    assert ALREADY in " ".join(row_errors(response)[1]["author"])
    assert byline(article) == ["Ada Obi", "Ben Eze"]


def test_a_row_deleted_in_another_tab_is_saved_again(admin, section, ada, ben):
    article = ArticlePageFactory(parent=section, authors=[ada, ben])
    first, second = article.article_authors.order_by("sort_order")
    # Another tab removes Ben and publishes.
    removed = edit_form(
        article, [{"id": first.pk, "author": ada.pk}, {"id": second.pk, "author": ben.pk, "DELETE": "1"}]
    )
    assert admin.post(edit_url(article), removed).status_code == 302
    assert byline(article) == ["Ada Obi"]

    # The stale tab still shows Ben's row and publishes it: Ben is back, as the tab's other fields would be.
    response = admin.post(
        edit_url(article), edit_form(article, [{"id": first.pk, "author": ada.pk}, {"id": second.pk, "author": ben.pk}])
    )

    assert response.status_code == 302
    assert byline(article) == ["Ada Obi", "Ben Eze"]


def test_publishing_a_stored_revision_with_a_repeated_author_keeps_one_row(section, ada, ben):
    """A revision saved before the form checked for repeats (a workflow approval or schedule publishes it)."""
    article = ArticlePageFactory(parent=section, authors=[ada])
    draft = ArticlePage.objects.get(pk=article.pk)
    link = draft.article_authors.get()
    draft.article_authors.set([link, type(link)(author=ben), type(link)(author=ada), type(link)(author=ben)])
    revision = draft.save_revision()

    revision.publish()

    assert byline(article) == ["Ada Obi", "Ben Eze"]
