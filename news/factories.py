"""factory_boy factories for the news app (tests and the demo loader)."""

import factory
import wagtail_factories
from django.utils.text import slugify

from news.models import ArticleKind, ArticlePage, ArticlePageAuthor, Author, SectionPage


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    role = "Reporter"


class SectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    intro = ""
    show_in_menus = True


class ArticlePageFactory(wagtail_factories.PageFactory):
    """An article with one author. Pass `parent=` a SectionPage."""

    class Meta:
        model = ArticlePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story number {n} from the newsroom")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:80])
    standfirst = factory.LazyAttribute(lambda o: f"What we know about {o.title.lower()}.")
    kind = ArticleKind.NEWS
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>First paragraph of the story.</p>"), ("paragraph", "<p>Second paragraph.</p>")]
    )

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if not create:
            return
        authors = extracted if extracted is not None else [AuthorFactory()]
        for order, author in enumerate(authors):
            ArticlePageAuthor.objects.create(article=obj, author=author, sort_order=order)
