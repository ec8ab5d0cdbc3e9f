"""Fill the site with a demo national daily: sections, bylines, tags, pictures and any number of articles.

Safe to run any number of times: what exists is kept, and articles are only topped up to --articles.

Articles are written in bulk rather than through Page.add_child, which costs a dozen queries per page and
would take hours for 50,000 of them. The bulk path writes exactly what Wagtail would: treebeard paths and
child counts, url_path, a live revision holding serializable_data(), search index and reference index
entries. On PostgreSQL, big runs split the articles between one writer process per core.
"""

import io
import logging
import multiprocessing
import os
import random
import time
import uuid
import zlib
from collections import Counter, deque
from datetime import timedelta
from itertools import accumulate

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, ImageOps
from taggit.models import Tag
from wagtail.blocks import StreamValue
from wagtail.blocks.list_block import ListValue
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex, Revision, Site
from wagtail.search.backends import get_search_backends

from demo import content
from demo.ads import seed_ads
from demo.comments import seed_comments
from demo.traffic import seed_view_history
from home.models import HomePage, HomePageFeaturedStory, StandardPage
from news.models import ArticleKind, ArticlePage, ArticlePageAuthor, ArticlePageTag, Author, SectionPage
from search import vocabulary
from site_settings.models import FooterLink, SiteSettings
from trending.ranking import recompute_trending

DEFAULT_ARTICLES = 300
MAX_ARTICLES = 1_000_000
BATCH_SIZE = 1000
REPORT_EVERY = 2000
DAYS_OF_NEWS = 90
FEATURED_STORIES = 5
PICTURE_SIZE = (1200, 675)

# Parallel writers only pay for their start-up on runs this big.
PARALLEL_MIN_ARTICLES = 4000
MAX_WORKERS = 4
HEADLINE_QUALIFIERS = [": what we know", " — live updates", ", officials say", " amid {issue}", " in {month}"]

# The first articles of a run each carry one of these, so even a small demo shows every block type.
SHOWCASE_BLOCKS = [
    "image",
    "heading",
    "pull_quote",
    "embed",
    "gallery",
    "fact_box",
    "table",
    "download",
    "related_stories",
    "paragraph",
]


def parse_whole_number(raw, option, maximum=None):
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise CommandError(f"{option} must be a whole number, not {raw!r}.") from None
    if value < 0:
        raise CommandError(f"{option} must be 0 or more, not {value}.")
    if maximum is not None and value > maximum:
        raise CommandError(f"{option} must be at most {maximum:,}, not {value:,}.")
    return value


def block_id(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except (AttributeError, OSError, TypeError):
        # Pillow without FreeType only has the small bitmap font.
        return ImageFont.load_default()


def draw_picture(label, start, end, rng, size=PICTURE_SIZE, image_format="JPEG"):
    """A gradient with a few translucent shapes and a caption bar: recognisable, and made without a download."""
    gradient = PILImage.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize(size)
    picture = ImageOps.colorize(gradient, start, end)
    draw = ImageDraw.Draw(picture, "RGBA")
    width, height = size
    for _ in range(rng.randint(3, 7)):
        x, y, radius = rng.randrange(width), rng.randrange(height), rng.randint(height // 10, height // 3)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randint(40, 110))
        if rng.random() < 0.5:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
        else:
            draw.rectangle([x - radius, y - radius // 2, x + radius, y + radius // 2], fill=colour)
    bar = max(height // 6, 40)
    draw.rectangle([0, height - bar, width, height], fill=(0, 0, 0, 150))
    draw.text((bar // 2, height - bar * 3 // 4), label, font=_font(bar // 2), fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    if image_format == "JPEG":
        picture.save(buffer, image_format, quality=82)
    else:
        picture.save(buffer, image_format)
    buffer.seek(0)
    return buffer


class Command(BaseCommand):
    help = (
        "Seed a demo newsroom: sections, 20 authors, tags, pictures, the standard pages, site settings "
        "and --articles articles (default 300). Idempotent: existing content is kept and articles are "
        "only topped up."
    )

    def add_arguments(self, parser):
        # Plain strings, validated in handle(): bad input then ends in one CommandError line instead of
        # argparse's usage dump.
        parser.add_argument(
            "--articles",
            default=str(DEFAULT_ARTICLES),
            metavar="N",
            help=f"How many articles the site should have (default {DEFAULT_ARTICLES}).",
        )
        parser.add_argument("--seed", default="1", metavar="S", help="Random seed: the same seed, the same site.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the site already has any articles.")

    def handle(self, *args, articles, seed, if_empty, verbosity=1, **options):
        started = time.monotonic()
        target = parse_whole_number(articles, "--articles", maximum=MAX_ARTICLES)
        seed = parse_whole_number(seed, "--seed")
        self.verbosity = verbosity

        if if_empty and ArticlePage.objects.exists():
            self.say("seed_demo: the site already has articles; nothing to do (--if-empty).")
            return

        # Wagtail logs every page it creates or publishes at INFO; the summary line says the same in one.
        wagtail_logger = logging.getLogger("wagtail")
        level = wagtail_logger.level
        if verbosity < 2:
            wagtail_logger.setLevel(logging.WARNING)
        try:
            self.seed(target, seed, verbosity)
        finally:
            wagtail_logger.setLevel(level)
        self.say(f"seed_demo: {self.articles_written} articles in {time.monotonic() - started:.1f} s")

    def seed(self, target, seed, verbosity):
        quiet = io.StringIO()
        sub_options = {"stdout": self.stdout if verbosity > 1 else quiet, "verbosity": verbosity}
        call_command("bootstrap_site", "--no-superuser", **sub_options)
        # Groups and the editorial workflow, when the command that makes them is installed.
        if "setup_newsroom" in get_commands():
            call_command("setup_newsroom", **sub_options)

        created = Counter()
        with transaction.atomic():
            site = Site.objects.get(is_default_site=True)
            home = site.root_page.specific
            images = self.ensure_images(seed, created)
            documents = self.ensure_documents(created)
            sections = self.ensure_sections(home, created)
            standard_pages = self.ensure_standard_pages(home, created)
            authors = self.ensure_authors(created)
            tags = self.ensure_tags(created)

        existing = ArticlePage.objects.count()
        wanted = max(0, target - existing)
        if wanted:
            self.write_articles(
                wanted,
                # Seeded with the number already there, so topping up does not replay the first run's headlines.
                seed=f"{seed}:articles:{existing}",
                sections=sections,
                authors=authors,
                tags=tags,
                images=images,
                documents=documents,
            )
        created["articles"] = self.articles_written = wanted

        with transaction.atomic():
            self.ensure_site_settings(site, standard_pages, created)
            self.ensure_featured_stories(home)

        # A few days of simulated reader traffic, so the trending lists have something to rank.
        seed_view_history(seed=seed)
        recompute_trending()
        # Advertisers, campaigns and creatives across the slots (idempotent).
        self.say(seed_ads().summary())
        # Reader comments, some held and some reported, so the moderation queue has work (idempotent).
        self.say(f"seed_demo: {seed_comments(seed=seed)} reader comments.")
        # "Did you mean": the bulk writes above skip the per-save vocabulary update.
        self.say(f"seed_demo: {vocabulary.rebuild()} words in the search vocabulary.")

        self.say(
            "seed_demo: created {sections} sections, {authors} authors, {articles} articles, {images} images, "
            "{documents} documents, {tags} tags, {standard_pages} standard pages.".format_map(
                {
                    key: created[key]
                    for key in ("sections", "authors", "articles", "images", "documents", "tags", "standard_pages")
                }
            )
        )

    def say(self, message):
        if self.verbosity:
            self.stdout.write(message)

    def write_articles(self, wanted, seed, **shared):
        started = time.monotonic()
        reported = 0

        def report(written):
            nonlocal reported
            if written // REPORT_EVERY > reported // REPORT_EVERY or written == wanted:
                rate = written / max(time.monotonic() - started, 1e-6)
                self.say(f"{written}/{wanted} articles ({rate:.0f}/s)")
            reported = written

        workers = self.worker_count(wanted)
        if workers == 1:
            ArticleWriter(random.Random(seed), **shared).write(wanted, report)
            return

        # Building an article is mostly Python (stream blocks, revisions, search text), so on PostgreSQL,
        # which takes concurrent writers, one process per core writes its own share. Forked children must
        # not share the parent's database connection, so close it first; each child opens its own.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        progress = context.Value("q", 0)
        shares = [wanted // workers + (worker < wanted % workers) for worker in range(workers)]
        processes = [
            context.Process(
                target=write_share,
                args=(shares[worker], f"{seed}:{worker}/{workers}", worker, workers, shared, progress),
                name=f"seed_demo writer {worker + 1}/{workers}",
            )
            for worker in range(workers)
        ]
        for process in processes:
            process.start()
        while any(process.is_alive() for process in processes):
            time.sleep(0.5)
            written = progress.value
            if written != reported and written != wanted:
                report(written)
        for process in processes:
            process.join()
        failed = [process.name for process in processes if process.exitcode != 0]
        if failed:
            raise CommandError(f"{', '.join(failed)} failed (its error is above); rerun to top up the rest.")
        report(progress.value)

    def worker_count(self, wanted):
        """One writer per core on PostgreSQL for big runs; SQLite has a single writer, so one process."""
        if (
            connection.vendor != "postgresql"
            # Inside a transaction (a test, or a caller's atomic block) the children could not see the
            # sections and authors this process has not committed.
            or connection.in_atomic_block
            or wanted < PARALLEL_MIN_ARTICLES
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return 1
        return max(1, min(MAX_WORKERS, os.cpu_count() or 1))

    # Shared pieces, each created once and found again by title or slug on later runs.

    def ensure_images(self, seed, created):
        Image = get_image_model()
        existing = {image.title: image for image in Image.objects.filter(title__in=[row[0] for row in content.IMAGES])}
        pool = []
        for title, description, start, end in content.IMAGES:
            image = existing.get(title)
            if image is None:
                # One random stream per picture, so a picture never depends on which others already exist.
                picture = draw_picture(title, start, end, random.Random(f"{seed}:image:{title}"))
                image = self.save_image(title, description, picture, f"{slugify(title)}.jpg")
                created["images"] += 1
            pool.append(image)
        return pool

    def save_image(self, title, description, buffer, filename):
        image = get_image_model()(title=title, description=description)
        image.file = ImageFile(buffer, name=filename)
        image._set_image_file_metadata()
        image.save()
        return image

    def ensure_branding_image(self, title, description, size, image_format, filename, created):
        image = get_image_model().objects.filter(title=title).first()
        if image is None:
            rng = random.Random(title)
            buffer = draw_picture(content.SITE_NAME, "#0b3d2e", "#1b7f5b", rng, size=size, image_format=image_format)
            image = self.save_image(title, description, buffer, filename)
            created["images"] += 1
        return image

    def ensure_documents(self, created):
        Document = get_document_model()
        bodies = {
            "budget-allocations-2025.csv": content.budget_csv(),
            "election-timetable.txt": content.election_timetable(),
        }
        documents = []
        for title, filename in content.DOCUMENTS:
            document = Document.objects.filter(title=title).first()
            if document is None:
                document = Document(title=title)
                document.file = ContentFile(bodies[filename].encode(), name=filename)
                document._set_document_file_metadata()
                document.save()
                created["documents"] += 1
            documents.append(document)
        return documents

    def ensure_child_page(self, parent, page, created, counter):
        """Find `page` under `parent` by slug, or add and publish it the ordinary Wagtail way."""
        existing = parent.get_children().filter(slug=page.slug).specific().first()
        if existing is not None:
            return existing
        # add_child works out the next treebeard path from the parent's numchild, so use a fresh copy.
        parent = Page.objects.get(pk=parent.pk)
        parent.add_child(instance=page)
        page.save_revision().publish()
        created[counter] += 1
        return page

    def ensure_sections(self, home, created):
        """Returns [(SectionPage, topic, share of articles)] for every section that takes articles."""
        sections = []
        for title, intro, topic, share in content.TOP_SECTIONS:
            page = SectionPage(title=title, slug=slugify(title), intro=intro, show_in_menus=True)
            sections.append((self.ensure_child_page(home, page, created, "sections"), topic, share))
        more_title, more_intro = content.MORE_SECTION
        more = self.ensure_child_page(
            home,
            SectionPage(title=more_title, slug=slugify(more_title), intro=more_intro, show_in_menus=True),
            created,
            "sections",
        )
        for title, intro, topic, share in content.MORE_SECTIONS:
            page = SectionPage(title=title, slug=slugify(title), intro=intro, show_in_menus=True)
            sections.append((self.ensure_child_page(more, page, created, "sections"), topic, share))
        return sections

    def ensure_standard_pages(self, home, created):
        pages = []
        for title, blocks in content.STANDARD_PAGES:
            body = [
                ("paragraph", f"<p>{text}</p>") if kind == "paragraph" else ("heading", {"text": text, "level": "h2"})
                for kind, text in blocks
            ]
            page = StandardPage(title=title, slug=slugify(title), body=body)
            pages.append(self.ensure_child_page(home, page, created, "standard_pages"))
        return pages

    def ensure_authors(self, created):
        authors = []
        for name, role in content.AUTHORS:
            first = name.split()[0].lower()
            author, was_created = Author.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "role": role,
                    "bio": content.author_bio(name, role),
                    "email": f"{first}@example.com",
                    "x_handle": f"{name.replace(' ', '')}NG"[:50],
                },
            )
            created["authors"] += was_created
            authors.append(author)
        return authors

    def ensure_tags(self, created):
        tags = []
        for name in content.TAGS:
            tag = Tag.objects.filter(name=name).first()
            if tag is None:
                tag = Tag.objects.create(name=name)
                created["tags"] += 1
            tags.append(tag)
        return tags

    def ensure_site_settings(self, site, standard_pages, created):
        """Fill what is still empty, so an editor's changes survive another run."""
        settings = SiteSettings.for_site(site)
        settings.site_name = settings.site_name or content.SITE_NAME
        settings.tagline = settings.tagline or content.SITE_TAGLINE
        if settings.logo_id is None:
            settings.logo = self.ensure_branding_image(
                "Newsroom logo", "The Newsroom wordmark", (600, 160), "PNG", "newsroom-logo.png", created
            )
        if settings.default_share_image_id is None:
            settings.default_share_image = self.ensure_branding_image(
                "Newsroom share image",
                "The Newsroom wordmark on green",
                (1200, 630),
                "JPEG",
                "newsroom-share.jpg",
                created,
            )
        for field, url in content.SOCIAL_LINKS.items():
            if not getattr(settings, field):
                setattr(settings, field, url)
        settings.copyright_line = settings.copyright_line or content.COPYRIGHT_LINE
        if not settings.footer_links.exists():
            settings.footer_links = [
                FooterLink(page=page, sort_order=order) for order, page in enumerate(standard_pages)
            ]
        settings.save()

    def ensure_featured_stories(self, home):
        if home.featured_stories.exists():
            return
        recent = list(ArticlePage.objects.live().order_by("-display_date", "-pk")[:FEATURED_STORIES])
        if not recent:
            return
        home = HomePage.objects.get(pk=home.pk)
        home.featured_stories = [
            HomePageFeaturedStory(article=article, sort_order=order) for order, article in enumerate(recent)
        ]
        home.save_revision().publish()


def write_share(count, seed, worker, workers, shared, progress):
    """One parallel writer's share of the articles, run in a forked child process."""
    reported = 0

    def report(written):
        nonlocal reported
        with progress.get_lock():
            progress.value += written - reported
        reported = written

    try:
        ArticleWriter(random.Random(seed), worker=worker, workers=workers, **shared).write(count, report)
    finally:
        connections.close_all()


class SectionSlot:
    """Where the next article in one section goes, and what the section already holds."""

    def __init__(self, page, topic, worker, workers, owns):
        self.page = page
        self.topic = topic
        self.workers = workers
        self.owns = owns
        self.kind = content.SECTION_KINDS.get(page.title)
        self.kinds, self.kind_weights = zip(*content.TOPIC_KINDS.get(topic, content.DEFAULT_KINDS), strict=True)
        children = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1)
        last_path = children.order_by("-path").values_list("path", flat=True).first()
        # Parallel writers interleave their steps (1, 3, 5... and 2, 4, 6...) so their paths never meet.
        self.next_step = (Page._str2int(last_path[-Page.steplen :]) if last_path else 0) + 1 + worker
        self.slugs = set(children.values_list("slug", flat=True))
        self.recent = deque(
            ArticlePage.objects.child_of(page).live().order_by("-pk").values_list("pk", flat=True)[:30], maxlen=30
        )
        self.added = 0

    def next_path(self):
        path = Page._get_path(self.page.path, self.page.depth + 1, self.next_step)
        self.next_step += self.workers
        self.added += 1
        return path

    def claim_slug(self, title):
        base = slugify(title)[:80].strip("-") or "story"
        slug, suffix = base, 1
        while slug in self.slugs or not self.owns(slug):
            suffix += 1
            slug = f"{base[:72]}-{suffix}"
        self.slugs.add(slug)
        return slug


class ArticleWriter:
    """Writes articles a batch at a time, straight into the tables Wagtail would fill one page at a time."""

    def __init__(self, rng, sections, authors, tags, images, documents, worker=0, workers=1):
        self.rng = rng
        self.worker, self.workers = worker, workers
        self.slots = [SectionSlot(page, topic, worker, workers, self.owns) for page, topic, _share in sections]
        self.cumulative_shares = list(accumulate(share for _page, _topic, share in sections))
        self.columnists = [author for author in authors if author.role == "Columnist"]
        self.reporters = [author for author in authors if author.role != "Columnist"]
        self.photographers = [author for author in authors if author.role == "Photojournalist"] or self.reporters
        self.tags = tags
        self.tags_by_name = {tag.name: tag for tag in tags}
        self.images = images
        self.documents = documents
        self.titles = {title.lower() for title in ArticlePage.objects.values_list("title", flat=True)}
        # Ids, not articles: an article's body holds the stories it links to, so keeping articles here
        # would keep every article ever written alive through those links.
        self.recent = deque(ArticlePage.objects.live().order_by("-pk").values_list("pk", flat=True)[:200], maxlen=200)
        self.stream_block = ArticlePage._meta.get_field("body").stream_block
        self.index_references = ReferenceIndex.is_indexed(ArticlePage)
        self.now = timezone.now()
        self.content_type_id = ContentType.objects.get_for_model(ArticlePage).pk
        self.base_content_type_id = ContentType.objects.get_for_model(Page).pk
        self.page_fields = [field for field in Page._meta.concrete_fields if not field.primary_key]
        self.article_fields = ArticlePage._meta.local_concrete_fields
        self.child_relations = [relation.get_accessor_name() for relation in get_all_child_relations(ArticlePage)]
        self.search_backends = list(get_search_backends(with_auto_update=True))
        self.written = 0

    def owns(self, text):
        """Parallel writers split headlines and slugs between them by hash, so no two can pick the same one."""
        return self.workers == 1 or zlib.crc32(text.lower().encode()) % self.workers == self.worker

    def write(self, count, report):
        while self.written < count:
            size = min(BATCH_SIZE, count - self.written)
            with transaction.atomic():
                self.write_batch(size)
            # Under DEBUG every query is kept for the debug toolbar; a run of 50,000 articles would hold
            # hundreds of megabytes of INSERT statements nobody reads.
            reset_queries()
            self.written += size
            report(self.written)

    def write_batch(self, size):
        drafts = [self.draft_article(self.written + offset) for offset in range(size)]
        articles = [article for article, _extras in drafts]

        # Page rows first: their ids are the articles' primary keys and what related stories point at.
        page_rows = [
            Page(**{field.attname: getattr(article, field.attname) for field in self.page_fields})
            for article in articles
        ]
        Page.objects.bulk_create(page_rows)
        for article, row in zip(articles, page_rows, strict=True):
            article.id = article.page_ptr_id = row.pk
            article._state.adding = False
            article._state.db = row._state.db

        for article, (story, slot, run_index) in drafts:
            article.body = self.body(story, slot, run_index)
            slot.recent.append(article.pk)
            self.recent.append(article.pk)
        self.insert_article_rows(articles)

        links, tagged = {}, {}
        for article, (_story, slot, _run_index) in drafts:
            links[article.pk] = [
                ArticlePageAuthor(article=article, author=author, sort_order=order)
                for order, author in enumerate(self.pick_authors(slot))
            ]
            tagged[article.pk] = [ArticlePageTag(content_object=article, tag=tag) for tag in self.pick_tags(slot)]
        ArticlePageAuthor.objects.bulk_create([link for group in links.values() for link in group])
        ArticlePageTag.objects.bulk_create([item for group in tagged.values() for item in group])

        # Revisions store serializable_data(), child relations included, so hand the articles their
        # children in memory rather than have each one query for them.
        for article in articles:
            children = {"article_authors": links[article.pk], "tagged_items": tagged[article.pk]}
            for relation in self.child_relations:
                setattr(article, relation, children.get(relation, []))
        revisions = [
            Revision(
                content_type_id=self.content_type_id,
                base_content_type_id=self.base_content_type_id,
                object_id=str(article.pk),
                created_at=article.last_published_at,
                object_str=article.title,
                content=article.serializable_data(),
            )
            for article in articles
        ]
        Revision.objects.bulk_create(revisions)
        for article, revision in zip(articles, revisions, strict=True):
            article.latest_revision_id = article.live_revision_id = revision.pk
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {connection.ops.quote_name(Page._meta.db_table)} "
                "SET latest_revision_id = %s, live_revision_id = %s WHERE id = %s",
                [(article.latest_revision_id, article.live_revision_id, article.pk) for article in articles],
            )

        for backend in self.search_backends:
            backend.add_bulk(ArticlePage, articles)
        if self.index_references:
            ReferenceIndex.objects.bulk_create(
                [reference for article in articles for reference in self.references(article)]
            )

        # Last, and always in the same order, so parallel writers hold the section rows' locks only for
        # the moment before they commit, and never wait on each other crosswise.
        for slot in self.slots:
            if slot.added:
                Page.objects.filter(pk=slot.page.pk).update(numchild=F("numchild") + slot.added)
                slot.added = 0

    def references(self, article):
        """ReferenceIndex rows for a new article, as ReferenceIndex.create_or_update_for_object makes them.

        That method costs two queries per object to diff against rows a new article cannot have yet; the
        extraction it runs is the same, so the rows match.
        """
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(article)
        ):
            yield ReferenceIndex(
                content_type_id=self.content_type_id,
                base_content_type_id=self.base_content_type_id,
                object_id=str(article.pk),
                to_content_type_id=to_content_type_id,
                to_object_id=to_object_id,
                model_path=model_path,
                content_path=content_path,
                content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
            )

    def insert_article_rows(self, articles):
        """INSERT the news_articlepage rows: bulk_create refuses models with a parent table."""
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.article_fields)
        placeholders = ", ".join(["%s"] * len(self.article_fields))
        rows = [
            [field.get_db_prep_save(getattr(article, field.attname), connection) for field in self.article_fields]
            for article in articles
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(ArticlePage._meta.db_table)} ({columns}) VALUES ({placeholders})", rows
            )

    def draft_article(self, run_index):
        rng = self.rng
        slot = rng.choices(self.slots, cum_weights=self.cumulative_shares)[0]
        story, title = self.unique_story(slot.topic)
        slug = slot.claim_slug(title)
        published = self.now - timedelta(seconds=rng.randrange(DAYS_OF_NEWS * 86400))
        updated = published
        if rng.random() < 0.2:
            updated = min(published + timedelta(minutes=rng.randint(10, 600)), self.now)
        kind = slot.kind or rng.choices(slot.kinds, weights=slot.kind_weights)[0]
        recent = self.now - published < timedelta(days=2)
        is_breaking = kind == ArticleKind.NEWS and rng.random() < (0.3 if recent else 0.01)
        hero = rng.choice(self.images) if rng.random() < 0.92 else None
        byline_override = ""
        if kind == ArticleKind.NEWS and rng.random() < 0.03:
            byline_override = story.fill(rng.choice(content.BYLINE_OVERRIDES))
        article = ArticlePage(
            title=title,
            draft_title=title,
            slug=slug,
            content_type_id=self.content_type_id,
            locale_id=slot.page.locale_id,
            path=slot.next_path(),
            depth=slot.page.depth + 1,
            numchild=0,
            url_path=f"{slot.page.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=updated,
            latest_revision_created_at=updated,
            standfirst=story.standfirst(),
            hero_image=hero,
            hero_caption=story.caption() if hero else "",
            hero_credit=f"Photo: {rng.choice(self.photographers).name}/Newsroom" if hero else "",
            byline_override=byline_override,
            kind=kind,
            display_date=published,
            is_breaking=is_breaking,
            exclude_from_trending=kind == ArticleKind.SPONSORED,
        )
        return article, (story, slot, run_index)

    def unique_story(self, topic):
        for attempt in range(60):
            story = content.Story(self.rng, topic)
            title = story.headline()
            if attempt >= 40:
                # This topic's templates are running out: a qualifier keeps the headline readable and new.
                title += story.fill(self.rng.choice(HEADLINE_QUALIFIERS))
            if self.claimable(title):
                break
        else:
            base, suffix = title, 1
            while not self.claimable(title):
                suffix += 1
                title = f"{base} ({suffix})"
        self.titles.add(title.lower())
        return story, title

    def claimable(self, title):
        return title.lower() not in self.titles and self.owns(title)

    def pick_authors(self, slot):
        if slot.kind in (ArticleKind.COLUMN, ArticleKind.OPINION):
            return [self.rng.choice(self.columnists)]
        return self.rng.sample(self.reporters, 2 if self.rng.random() < 0.25 else 1)

    def pick_tags(self, slot):
        preferred = [self.tags_by_name[name] for name in content.TOPIC_TAGS.get(slot.topic, [])]
        picked = []
        for _ in range(self.rng.randint(1, 4)):
            pool = preferred if preferred and self.rng.random() < 0.75 else self.tags
            tag = self.rng.choice(pool)
            if tag not in picked:
                picked.append(tag)
        return picked

    def body(self, story, slot, run_index):
        """A StreamValue of native block values (model instances, not ids), chosen for the kind of story.

        Native values cost nothing to index or scan for references; ids would make each article look its
        pictures, documents and related stories up again.
        """
        rng = self.rng
        wanted = {SHOWCASE_BLOCKS[run_index]} if run_index < len(SHOWCASE_BLOCKS) else set()
        topic = slot.topic
        blocks = []

        def add(block_type, value):
            block = self.stream_block.child_blocks[block_type]
            blocks.append((block_type, block.normalize(value), block_id(rng)))

        def maybe(block_type, chance):
            return block_type in wanted or rng.random() < chance

        if maybe("embed", 1.0 if topic == "video" else 0.08):
            url, title = rng.choice(content.EMBEDS)
            add("embed", {"url": url, "title": title})
        paragraphs = rng.randint(3, 8)
        for number in range(paragraphs):
            add("paragraph", story.paragraph())
            if number == 0 and maybe("image", 0.3):
                add("image", self.image_value(story))
            elif number == 1 and maybe("pull_quote", 0.25):
                text, attribution = story.pull_quote()
                add("pull_quote", {"text": text, "attribution": attribution})
            elif number == paragraphs // 2 and maybe("heading", 0.5):
                # The article's title is the page's h1: a body's headings start at h2, and a body
                # has one heading, so it is always h2. (The draw stays, so seeds give the same stories.)
                rng.choice(["h2", "h2", "h3"])
                add("heading", {"text": story.heading(), "level": "h2"})
        if maybe("fact_box", 0.15):
            title, body = story.fact_box()
            add("fact_box", {"title": title, "body": body})
        if maybe("table", 0.04 if topic not in ("elections", "business") else 0.15):
            add("table", story.table())
        if maybe("gallery", 1.0 if topic == "pictures" else 0.04):
            pictures = rng.sample(self.images, rng.randint(3, 6))
            items = []
            for number, image in enumerate(pictures):
                caption = story.caption()
                photographer = self.photographers[(image.pk + number) % len(self.photographers)]
                items.append(
                    {
                        "image": image,
                        # As in image_value: pictures without a description need alt text of their own.
                        "alt_text": "" if image.description else f"{image.title}: {caption}",
                        "caption": caption,
                        "credit": f"Photo: {photographer.name}/Newsroom",
                    }
                )
            add(
                "gallery",
                {
                    "title": story.fill(rng.choice(content.GALLERY_TITLES)),
                    "images": self.list_value("gallery", "images", items),
                },
            )
        if maybe("download", 0.02):
            document = rng.choice(self.documents)
            add("download", {"document": document, "label": f"Download: {document.title}"})
        pool = slot.recent if len(slot.recent) >= 3 else self.recent
        if pool and maybe("related_stories", 0.25):
            # PageChooserBlock only needs the id of a chosen page, so a bare instance saves a query each.
            stories = [
                ArticlePage(id=pk, page_ptr_id=pk, live=True)
                for pk in rng.sample(list(pool), min(len(pool), rng.randint(2, 4)))
            ]
            add(
                "related_stories",
                {
                    "title": rng.choice(content.RELATED_TITLES),
                    "stories": self.list_value("related_stories", "stories", stories),
                },
            )
        return StreamValue(self.stream_block, blocks)

    def list_value(self, block_type, field, items):
        """A ListBlock value with seeded item ids, so one seed gives byte-identical bodies."""
        list_block = self.stream_block.child_blocks[block_type].child_blocks[field]
        child = list_block.child_block
        return ListValue(
            list_block,
            bound_blocks=[ListValue.ListChild(child, child.normalize(item), id=block_id(self.rng)) for item in items],
        )

    def image_value(self, story):
        image = self.rng.choice(self.images)
        return {
            "image": image,
            # Pictures without a description need alt text of their own.
            "alt_text": "" if image.description else f"{image.title}: {story.caption()}",
            "caption": story.caption(),
            "credit": f"Photo: {self.rng.choice(self.photographers).name}/Newsroom",
        }
