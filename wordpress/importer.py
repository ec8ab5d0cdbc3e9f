"""The WordPress import: one export file in, sections, tags, authors, media, pages, articles and comments out.

Two passes over the file (lxml iterparse, elements freed as they are read):
the first checks the XML and collects the small things (authors, terms,
attachments, pages); then authors, sections, tags, media and pages are
written; the second pass streams the posts, one transaction each, each
post's comments with it (wordpress/discussion.py has their rules).
"""

import io
import json
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import urlparse

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from modelsearch.signal_handlers import post_save_signal_handler
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Revision, Site
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published

from comments import signals as comment_signals
from comments.models import NAME_MAX, Comment, email_hash
from home.models import HomePage, HomePageFeaturedStory, StandardPage
from news.models import ArticlePage, ArticlePageAuthor, Author, SectionPage
from search.indexing import reindex
from search.signals import reindex_published_article
from wordpress import discussion, wxr
from wordpress.content import Conversion, image_key, plain_text
from wordpress.media import make_source, relative_path
from wordpress.models import ImportedItem

Kind = ImportedItem.Kind
UNCATEGORISED = ("uncategorized", "Uncategorized")
MAX_FEATURED = 7
STANDFIRST_MAX = 300
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "avif"}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
DRY_RUN_IMAGE = -1


class ImportError_(Exception):
    """A reason the whole import cannot run (a malformed file, no site)."""


class DryRunRollback(Exception):
    pass


def wp_datetime(value):
    """WordPress's GMT date ("2024-05-01 09:30:00"; "0000-00-00 00:00:00" for never) as an aware datetime."""
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def truncate_words(text, limit):
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def yoast_title(raw, title):
    """Yoast's SEO title, its %%variables%% resolved as far as we can; empty if it says no more than the title."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    raw = raw.replace("%%title%%", title)
    raw = re.sub(r"%%[a-z_]+%%", "", raw)
    raw = " ".join(raw.split()).strip(" -|–—·•")
    return "" if raw == title else raw[:255]


def link_path(link):
    """The path of an exported permalink, as Wagtail's redirects store it; None for "/" or "/?p=".."""
    parsed = urlparse(link or "")
    if not parsed.path or parsed.path == "/":
        return None
    return Redirect.normalise_path(parsed.path)


PAGE_MODELS = (ArticlePage, SectionPage, StandardPage, HomePage)


@contextmanager
def index_once():
    """Index each page (search and reference index) once, when the import has written it.

    Wagtail re-indexes a page on every save (adding it, saving its revision,
    publishing) and the search app once more after publishing: four times.
    The importer calls `index_page` when the page is done instead.
    """
    for model in PAGE_MODELS:
        post_save.disconnect(post_save_signal_handler, sender=model)
    page_published.disconnect(reindex_published_article)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in PAGE_MODELS:
            post_save.connect(post_save_signal_handler, sender=model)
        page_published.connect(reindex_published_article)


def index_page(page_id):
    page = Page.objects.get(pk=page_id).specific
    reindex(page)
    ReferenceIndex.create_or_update_for_object(page)


class Progress:
    """Items per second and the time left, on stderr, at most once a second."""

    def __init__(self, stream=None, callback=None):
        self.stream = stream
        self.callback = callback
        self.phase = ""
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self.last = 0.0

    def start(self, phase, total):
        self.phase, self.total, self.done, self.started, self.last = phase, total, 0, time.monotonic(), 0.0
        self.show(force=True)

    def step(self):
        self.done += 1
        self.show()

    def line(self):
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate and self.total else 0
        return (
            f"{self.phase}: {self.done}/{self.total} ({rate:.1f} items/s, ETA {int(left // 60)}m{int(left % 60):02d}s)"
        )

    def show(self, force=False):
        now = time.monotonic()
        if not force and now - self.last < 1 and self.done != self.total:
            return
        self.last = now
        line = self.line()
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()
        if self.callback is not None:
            self.callback(line)


class Summary:
    def __init__(self):
        self.created = Counter()
        self.updated = Counter()
        self.unchanged = Counter()
        self.skipped = Counter()  # "kind: reason" -> count
        self.skipped_items = []
        self.media_missing = []
        self.warnings = []
        self.content = Counter()
        self.redirects = 0

    def skip(self, kind, wp_id, reason):
        self.skipped[f"{kind}: {reason}"] += 1
        if len(self.skipped_items) < 10_000:
            self.skipped_items.append({"kind": kind, "wp_id": wp_id, "reason": reason})

    def as_dict(self, **extra):
        return {
            **extra,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "skipped": dict(self.skipped),
            "skipped_items": self.skipped_items,
            "media_missing": self.media_missing,
            "warnings": self.warnings,
            "content": dict(self.content),
            "redirects": self.redirects,
        }


def format_summary(data):
    lines = ["WordPress import" + (" (dry run: nothing was written)" if data.get("dry_run") else "") + ":"]
    for label in ("created", "updated", "unchanged"):
        counts = data[label]
        text = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())) or "none"
        lines.append(f"  {label}: {text}")
    skipped = data["skipped"]
    lines.append(f"  skipped: {sum(skipped.values()) or 'none'}")
    for reason, count in sorted(skipped.items()):
        lines.append(f"    {count} × {reason}")
    lines.append(f"  media missing: {len(data['media_missing'])}")
    for entry in data["media_missing"][:20]:
        lines.append(f"    {entry}")
    if len(data["media_missing"]) > 20:
        lines.append(f"    … and {len(data['media_missing']) - 20} more (see --report)")
    lines.append(f"  redirects: {data['redirects']}")
    if data["content"]:
        lines.append("  content:")
        for issue, count in sorted(data["content"].items()):
            lines.append(f"    {count} × {issue}")
    if data["warnings"]:
        lines.append(f"  warnings: {len(data['warnings'])}")
        for warning in data["warnings"][:50]:
            lines.append(f"    {warning}")
    lines.append(f"  time: {data.get('seconds', 0):.1f} s")
    return "\n".join(lines)


class Importer:
    def __init__(self, path, media_dir=None, media_base_url=None, dry_run=False, stderr=None, on_progress=None):
        self.path = path
        self.dry_run = dry_run
        self.source = make_source(media_dir, media_base_url)
        self.progress = Progress(stderr if stderr is not None else sys.stderr, on_progress)
        self.summary = Summary()
        self.now = timezone.now()
        self.authors = {}  # login -> Author id
        self.sections = {}  # category slug -> SectionPage id
        self.category_names = {}  # category slug -> name
        self.category_ids = {}  # term_id -> category slug
        self.category_paths = {}  # slug -> "parent/child"
        self.tags = {}  # tag name (lower) -> Tag id
        self.images = {}  # attachment wp id -> image id
        self.image_keys = {}  # upload path key -> image id
        self.documents = {}  # attachment wp id -> document id
        self.pages = {}  # page wp id -> page id
        self.sticky = []

    # -- the run --------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None or not isinstance(site.root_page.specific, HomePage):
            raise ImportError_("no site with a home page: run `manage.py bootstrap_site` first")
        self.site = site
        self.home_id = site.root_page_id
        scan = self.scan()
        try:
            with transaction.atomic(), index_once():
                self.import_all(scan)
                if self.dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        return self.summary.as_dict(
            dry_run=self.dry_run, seconds=round(time.monotonic() - started, 2), export=str(self.path)
        )

    def import_all(self, scan):
        self.import_authors(scan["authors"], scan["creators"])
        self.import_categories(scan["categories"])
        self.import_tags(scan["tags"])
        self.import_attachments(scan["attachments"])
        self.import_pages(scan["pages"])
        self.import_posts(scan["posts"])
        self.redirect_attachments(scan["attachments"])
        self.feature_sticky()

    def scan(self):
        """First pass: check the XML, collect all but the posts."""
        found = {
            "authors": [],
            "categories": {},
            "tags": {},
            "attachments": [],
            "pages": [],
            "posts": 0,
            "creators": set(),
        }
        self.progress.start("reading the export", 0)
        try:
            for entry in wxr.read(self.path):
                if isinstance(entry, wxr.Author):
                    found["authors"].append(entry)
                elif isinstance(entry, wxr.Term):
                    found["categories" if entry.kind == "category" else "tags"].setdefault(entry.slug, entry)
                elif entry.post_type == "attachment":
                    entry.content = ""
                    found["attachments"].append(entry)
                elif entry.post_type == "page":
                    found["pages"].append(entry)
                    found["creators"].add(entry.creator)
                elif entry.post_type == "post":
                    found["posts"] += 1
                    found["creators"].add(entry.creator)
                    for slug, name in entry.categories:
                        if slug and slug not in found["categories"]:
                            found["categories"][slug] = wxr.Term("category", "", slug, name)
                    for slug, name in entry.tags:
                        if name and slug not in found["tags"]:
                            found["tags"][slug] = wxr.Term("tag", "", slug, name)
                elif entry.post_type not in ("nav_menu_item", "revision", "customize_changeset", "wp_global_styles"):
                    self.summary.skip(entry.post_type or "item", entry.wp_id, f"post type {entry.post_type!r}")
                self.progress.step()
        except wxr.MalformedExport as error:
            raise ImportError_(f"{self.path}: {error}") from None
        return found

    def atomic_item(self, kind, wp_id, work):
        """One item in its own transaction (a savepoint): a failure leaves nothing of it behind."""
        try:
            with transaction.atomic():
                return work()
        except Exception as error:  # noqa: BLE001 (any error skips this item, reported, and the run goes on)
            self.summary.skip(kind, wp_id, f"error: {type(error).__name__}: {str(error)[:200]}")
            return None

    def mapping(self, kind, wp_id):
        return ImportedItem.objects.filter(kind=kind, wp_id=wp_id).first()

    def remember(self, kind, wp_id, target, object_id, modified="", source_key=""):
        ImportedItem.objects.update_or_create(
            kind=kind,
            wp_id=wp_id,
            defaults={"target": target, "object_id": object_id, "modified": modified, "source_key": source_key},
        )

    def redirect(self, old_path, page=None, link=""):
        if not old_path or len(old_path) > 255:
            if old_path:
                self.summary.warnings.append(f"redirect not kept, path longer than 255 characters: {old_path[:80]}…")
            return
        if page is not None and old_path == Redirect.normalise_path(page.url_path[len(self.site_root_path()) - 1 :]):
            return  # Same address here: nothing to redirect.
        Redirect.objects.update_or_create(
            old_path=old_path,
            site=self.site,
            defaults={"redirect_page": page, "redirect_link": "" if page is not None else link, "is_permanent": True},
        )
        self.summary.redirects += 1

    def site_root_path(self):
        if not hasattr(self, "_root_path"):
            self._root_path = Page.objects.get(pk=self.home_id).url_path
        return self._root_path

    # -- authors, sections, tags ---------------------------------------------

    def import_authors(self, authors, creators):
        known = {author.login for author in authors}
        # dc:creator logins without a wp:author entry (older exports) still get a byline.
        authors = list(authors) + [wxr.Author(login, "", login) for login in sorted(creators - known) if login]
        self.progress.start("authors", len(authors))
        for author in authors:
            self.atomic_item(Kind.AUTHOR, author.login, lambda author=author: self.import_author(author))
            self.progress.step()

    def import_author(self, entry):
        found = self.mapping(Kind.AUTHOR, entry.login)
        if found and Author.objects.filter(pk=found.object_id).exists():
            self.authors[entry.login] = found.object_id
            self.summary.unchanged["authors"] += 1
            return
        name = plain_text(entry.display_name) or entry.login
        slug = slugify(entry.login, allow_unicode=True)[:120] or slugify(name, allow_unicode=True)[:120] or "author"
        author = Author.objects.filter(slug=slug).first()
        if author is None:
            # No email: an export holds the WordPress user's address, which is not for the public byline.
            author = Author.objects.create(name=name[:120], slug=slug, live=True)
            self.summary.created["authors"] += 1
        else:
            self.summary.unchanged["authors"] += 1
        self.authors[entry.login] = author.pk
        self.remember(Kind.AUTHOR, entry.login, "author", author.pk)
        self.redirect(Redirect.normalise_path(f"/author/{entry.login}/"), link=author.url)

    def import_categories(self, categories):
        by_slug = dict(categories)
        for term in by_slug.values():
            if term.wp_id:
                self.category_ids[term.wp_id] = term.slug
            self.category_names[term.slug] = term.name
        if not by_slug:
            by_slug[UNCATEGORISED[0]] = wxr.Term("category", "", *UNCATEGORISED)

        def depth(slug, seen=()):
            parent = by_slug[slug].parent_slug
            if not parent or parent not in by_slug or parent in seen:
                return 0
            return 1 + depth(parent, (*seen, slug))

        ordered = sorted(by_slug, key=depth)
        self.progress.start("categories", len(ordered))
        for slug in ordered:
            term = by_slug[slug]
            self.atomic_item(Kind.CATEGORY, term.wp_id or slug, lambda term=term: self.import_category(term))
            self.progress.step()

    def import_category(self, term):
        key = term.wp_id or term.slug
        found = self.mapping(Kind.CATEGORY, key)
        parent_id = self.sections.get(term.parent_slug, self.home_id)
        path = "/".join(filter(None, [self.category_paths.get(term.parent_slug, ""), term.slug]))
        self.category_paths[term.slug] = path
        section = None
        if found:
            section = SectionPage.objects.filter(pk=found.object_id).first()
        if section is not None:
            self.summary.unchanged["sections"] += 1
        else:
            parent = Page.objects.get(pk=parent_id)
            slug = term.slug or slugify(term.name, allow_unicode=True) or f"category-{key}"
            # A section of that name already there (the demo's "Politics"): the category joins it.
            section = SectionPage.objects.child_of(parent).filter(slug=slug).first()
            if section is None:
                title = plain_text(term.name) or slug
                section = SectionPage(
                    title=title[:255],
                    slug=self.unique_slug(parent, slug, f"category {term.name!r}"),
                    intro=truncate_words(plain_text(term.description), 500),
                    show_in_menus=parent_id == self.home_id,
                    live=False,
                )
                parent.add_child(instance=section)
                section.save_revision().publish()
                index_page(section.pk)
                self.summary.created["sections"] += 1
            else:
                self.summary.unchanged["sections"] += 1
            self.remember(Kind.CATEGORY, key, "page", section.pk)
        self.sections[term.slug] = section.pk
        self.redirect(Redirect.normalise_path(f"/category/{path}/"), page=section)
        if path != term.slug:
            self.redirect(Redirect.normalise_path(f"/category/{term.slug}/"), page=section)

    def import_tags(self, tags):
        self.progress.start("tags", len(tags))
        for term in tags.values():
            self.atomic_item(Kind.TAG, term.wp_id or term.slug, lambda term=term: self.import_tag(term))
            self.progress.step()

    def tag_for(self, name):
        name = plain_text(name)[:100]
        if not name or not slugify(name, allow_unicode=True):
            return None
        key = name.lower()
        if key in self.tags:
            return self.tags[key]
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
            self.summary.created["tags"] += 1
        self.tags[key] = tag.pk
        return tag.pk

    def import_tag(self, term):
        tag_id = self.tag_for(term.name)
        if tag_id is None:
            self.summary.skip("tag", term.slug, "no letters or digits in its name")
            return
        self.remember(Kind.TAG, term.wp_id or term.slug, "tag", tag_id)
        tag = Tag.objects.get(pk=tag_id)
        self.redirect(Redirect.normalise_path(f"/tag/{term.slug}/"), link=f"/tags/{tag.slug}/")

    # -- media ----------------------------------------------------------------

    def import_attachments(self, attachments):
        self.progress.start("media", len(attachments))
        known = {
            row.wp_id: row
            for row in ImportedItem.objects.filter(kind=Kind.ATTACHMENT).only(
                "wp_id", "target", "object_id", "modified", "source_key"
            )
        }
        todo = []
        for item in attachments:
            row = known.get(item.wp_id)
            if row is not None and row.modified == item.modified_gmt:
                self.note_media(item, row.target, row.object_id)
                self.summary.unchanged["media"] += 1
                self.progress.step()
            else:
                todo.append(item)
        batch = 32
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            relatives = [relative_path(item.meta.get("_wp_attached_file", ""), item.attachment_url) for item in chunk]
            if self.source is None:
                files = dict.fromkeys(relatives, (None, "no --media-dir or --media-base-url given"))
            elif self.dry_run:
                files = {
                    relative: (b"", "") if self.source.exists(relative) else (None, "not in --media-dir")
                    for relative in relatives
                }
            else:
                files = self.source.fetch_many(relatives)
            for item, relative in zip(chunk, relatives, strict=False):
                data, reason = files.get(relative, (None, "not fetched"))
                if data is None:
                    self.summary.media_missing.append(f"{item.attachment_url or relative}: {reason}")
                else:
                    self.atomic_item(
                        Kind.ATTACHMENT,
                        item.wp_id,
                        lambda item=item, relative=relative, data=data: self.import_attachment(
                            item, relative, data, known.get(item.wp_id)
                        ),
                    )
                self.progress.step()

    def note_media(self, item, target, object_id):
        if target == "image":
            self.images[item.wp_id] = object_id
            self.image_keys[image_key(item.attachment_url)] = object_id
        else:
            self.documents[item.wp_id] = object_id

    def import_attachment(self, item, relative, data, row):
        name = PurePosixPath(relative).name or f"attachment-{item.wp_id}"
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        is_image = item.mime_type.startswith("image/") and extension in IMAGE_EXTENSIONS
        title = (plain_text(item.title) or name)[:255]
        alt = plain_text(item.meta.get("_wp_attachment_image_alt", ""))
        if self.dry_run:
            target, object_id = ("image" if is_image else "document"), 0
        elif is_image:
            Image = get_image_model()
            image = Image.objects.filter(pk=row.object_id).first() if row and row.target == "image" else None
            image = image or Image(title=title)
            image.title = title
            image.description = (alt or plain_text(item.excerpt) or title)[:255]
            image.file = ImageFile(io.BytesIO(data), name=name)
            image._set_image_file_metadata()
            image.save()
            target, object_id = "image", image.pk
        else:
            Document = get_document_model()
            document = Document.objects.filter(pk=row.object_id).first() if row and row.target == "document" else None
            document = document or Document(title=title)
            document.title = title
            document.file = ContentFile(data, name=name)
            document._set_document_file_metadata()
            document.save()
            target, object_id = "document", document.pk
        self.remember(Kind.ATTACHMENT, item.wp_id, target, object_id, item.modified_gmt, image_key(item.attachment_url))
        self.note_media(item, target, object_id)
        (self.summary.updated if row else self.summary.created)["media"] += 1

    def resolve_image(self, wp_id, url):
        """The image id for an attachment id or an upload's URL; None if it was not imported.

        In a dry run nothing is written, so a file that would be imported answers
        DRY_RUN_IMAGE: it is not reported missing, and the rolled-back blocks never render.
        """
        found = None
        if wp_id is not None and str(wp_id) in self.images:
            found = self.images[str(wp_id)]
        elif url:
            found = self.image_keys.get(image_key(url))
        if found is None:
            return None
        return found or DRY_RUN_IMAGE

    def redirect_attachments(self, attachments):
        for item in attachments:
            path = link_path(item.link) or f"/?attachment_id={item.wp_id}"
            parent = self.pages.get(("post", item.parent)) or self.pages.get(("page", item.parent))
            if parent:
                page = Page.objects.filter(pk=parent).first()
                if page is not None:
                    self.redirect(path, page=page)
                continue
            file_url = self.media_url(item.wp_id)
            if file_url:
                self.redirect(path, link=file_url)

    def media_url(self, wp_id):
        if self.dry_run:
            return ""
        if wp_id in self.images:
            image = get_image_model().objects.filter(pk=self.images[wp_id]).first()
            return image.file.url if image else ""
        if wp_id in self.documents:
            document = get_document_model().objects.filter(pk=self.documents[wp_id]).first()
            return document.url if document else ""
        return ""

    # -- pages and posts ------------------------------------------------------

    def import_pages(self, pages):
        by_id = {page.wp_id: page for page in pages}

        def depth(wp_id, seen=()):
            parent = by_id[wp_id].parent
            if parent not in by_id or parent in seen:
                return 0
            return 1 + depth(parent, (*seen, wp_id))

        ordered = sorted(by_id, key=lambda wp_id: (depth(wp_id), by_id[wp_id].menu_order))
        self.progress.start("pages", len(ordered))
        for wp_id in ordered:
            item = by_id[wp_id]
            self.atomic_item(Kind.PAGE, wp_id, lambda item=item: self.import_item(item, Kind.PAGE))
            self.progress.step()

    def import_posts(self, total):
        self.progress.start("posts", total)
        for entry in wxr.read(self.path):
            if isinstance(entry, wxr.Item) and entry.post_type == "post":
                self.atomic_item(Kind.POST, entry.wp_id, lambda entry=entry: self.import_item(entry, Kind.POST))
                self.progress.step()

    def title_of(self, item, kind):
        title = plain_text(item.title)
        if not title:
            title = f"Untitled {kind} (WordPress {kind} {item.wp_id})"
            self.summary.warnings.append(f"{kind} {item.wp_id}: no title, called {title!r}")
        return title[:255]

    def unique_slug(self, parent, slug, what):
        slug = slug[:240].strip("-") or "page"
        siblings = Page.objects.child_of(parent)
        if not siblings.filter(slug=slug).exists():
            return slug
        number = 2
        while siblings.filter(slug=f"{slug}-{number}").exists():
            number += 1
        self.summary.warnings.append(
            f"{what}: slug {slug!r} already taken under {parent.url_path}, used {slug}-{number}"
        )
        return f"{slug}-{number}"

    def import_item(self, item, kind):
        if item.status in SKIPPED_STATUSES:
            self.summary.skip(kind, item.wp_id, f"status {item.status!r}")
            self.skip_comments(item, "its post is not imported")
            return
        if kind != Kind.POST:
            self.skip_comments(item, "on a page (only articles take comments)")
        row = self.mapping(kind, item.wp_id)
        existing = None
        if row is not None:
            existing = Page.objects.filter(pk=row.object_id).first()
        label = "articles" if kind == Kind.POST else "pages"
        if existing is not None and row.modified == item.modified_gmt:
            self.pages[(kind, item.wp_id)] = existing.pk
            self.summary.unchanged[label] += 1
            if kind == Kind.POST and item.sticky:
                self.sticky.append(existing.pk)
            if kind == Kind.POST:
                self.import_comments(item, existing.pk)
            return
        title = self.title_of(item, kind)
        conversion = Conversion(target="article" if kind == Kind.POST else "standard", images=self.resolve_image)
        body = conversion.convert(item.content)
        self.summary.content.update(conversion.issues)
        for missing in conversion.missing_media:
            self.summary.media_missing.append(f"{kind} {item.wp_id}: {missing}")
        if not body and not item.content.strip():
            self.summary.warnings.append(f"{kind} {item.wp_id}: no content")
        seo_title = yoast_title(item.meta.get("_yoast_wpseo_title", ""), title)
        description = plain_text(item.meta.get("_yoast_wpseo_metadesc", ""))
        if kind == Kind.POST:
            parent = self.section_for(item)
            fields = self.article_fields(item, title, body)
            model = ArticlePage
        else:
            # A child page stays under its WordPress parent, so /about/team/ keeps its address. The
            # editors' rule (standard pages only under the home page) is for pages made here;
            # Wagtail's add_child does not apply it.
            parent_id = self.pages.get((Kind.PAGE, item.parent), self.home_id)
            parent = Page.objects.get(pk=parent_id)
            fields = {"title": title, "body": body}
            model = StandardPage
        fields.update(seo_title=seo_title, search_description=description)
        if existing is None:
            page = model(**fields, live=False)
            slug = item.slug or slugify(title, allow_unicode=True) or f"{kind}-{item.wp_id}"
            page.slug = self.unique_slug(parent, slug, f"{kind} {item.wp_id}")
            self.apply_relations(page, item, kind)
            parent.add_child(instance=page)
            self.summary.created[label] += 1
        else:
            page = existing.specific_class.objects.get(pk=existing.pk)
            for name, value in fields.items():
                setattr(page, name, value)
            self.apply_relations(page, item, kind)
            self.summary.updated[label] += 1
        self.publish(page, item, kind)
        index_page(page.pk)
        self.remember(kind, item.wp_id, "page", page.pk, item.modified_gmt)
        self.pages[(kind, item.wp_id)] = page.pk
        path = link_path(item.link)
        if path:
            self.redirect(path, page=page)
        if kind == Kind.POST:
            self.import_comments(item, page.pk)

    # -- comments -------------------------------------------------------------

    def skip_comments(self, item, reason):
        for comment in item.comments:
            self.summary.skip(Kind.COMMENT, comment.wp_id, reason)

    def import_comments(self, item, article_id):
        """The post's comments on its article, in their own savepoint: a bad one never loses the article."""
        if item.comments:
            self.atomic_item(Kind.COMMENT, f"on post {item.wp_id}", lambda: self.write_comments(item, article_id))

    def write_comments(self, item, article_id):
        """Create the comments not imported before (two bulk inserts: tops, then replies); see discussion.py."""
        comments, kept = {}, {}
        for comment in item.comments:
            if not comment.wp_id:
                self.summary.skip(Kind.COMMENT, "", f"no comment id (post {item.wp_id})")
                continue
            comments[comment.wp_id] = comment
            reason = discussion.skip_reason(comment)
            if reason:
                self.summary.skip(Kind.COMMENT, comment.wp_id, reason)
            else:
                kept[comment.wp_id] = comment
        if not kept:
            return
        known = dict(
            ImportedItem.objects.filter(kind=Kind.COMMENT, wp_id__in=list(kept)).values_list("wp_id", "object_id")
        )
        # The comment that stands for each already imported one in a thread: itself, or its top.
        present = {
            pk: parent_id or pk
            for pk, parent_id in Comment.objects.filter(pk__in=known.values()).values_list("pk", "parent_id")
        }
        resolved = {}  # wp id -> the Comment pk a reply to it attaches to
        new = []
        for wp_id in kept:
            if wp_id not in known:
                new.append(wp_id)
            elif known[wp_id] in present:
                resolved[wp_id] = present[known[wp_id]]
                self.summary.unchanged["comments"] += 1
            else:
                # Deleted here (by a moderator, or the privacy tool): a re-run does not bring it back.
                self.summary.skip(Kind.COMMENT, wp_id, "deleted here since it was imported, not recreated")
        if not new:
            return
        chains = discussion.thread_tops(comments, kept)
        post_date = wp_datetime(item.post_date_gmt) or wp_datetime(item.post_date) or self.now
        tops, replies = [], []
        for wp_id in new:
            parents = [parent for parent in chains[wp_id] if parent in new or parent in resolved]
            (replies if parents else tops).append((wp_id, parents[:1]))
        created = {}  # wp id -> Comment
        dates = {}
        for batch in (tops, replies):
            rows = []
            for wp_id, parents in batch:
                entry = kept[wp_id]
                parent_id = None
                if parents:
                    top = parents[0]
                    parent_id = created[top].pk if top in created else resolved[top]
                email = discussion.stored_email(entry.author_email)
                status = discussion.status_of(entry)
                row = Comment(
                    article_id=article_id,
                    parent_id=parent_id,
                    name=(plain_text(entry.author) or "Anonymous")[:NAME_MAX],
                    email=email,
                    email_hash=email_hash(email) if email else "",
                    body=discussion.comment_text(entry.content),
                    status=status,
                    held_reason=discussion.HELD_REASONS.get(status, ""),
                    ip_hash=discussion.hashed_ip(entry.author_ip),
                )
                dates[wp_id] = wp_datetime(entry.date_gmt) or wp_datetime(entry.date) or post_date
                rows.append((wp_id, row))
            # bulk_create sends no post_save: the article's comment block is renewed below.
            Comment.objects.bulk_create([row for _wp_id, row in rows])
            created.update(rows)
        for wp_id, row in created.items():
            row.created_at = dates[wp_id]  # auto_now_add set "now" on insert; keep WordPress's date
        Comment.objects.bulk_update(list(created.values()), ["created_at"])
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(kind=Kind.COMMENT, wp_id=wp_id, target="comment", object_id=row.pk)
                for wp_id, row in created.items()
            ]
        )
        self.summary.created["comments"] += len(created)
        if not self.dry_run and any(row.status == Comment.Status.APPROVED for row in created.values()):
            comment_signals.refresh([article_id])

    def section_for(self, item):
        primary = self.category_ids.get(item.meta.get("_yoast_wpseo_primary_category", "").strip())
        slugs = [slug for slug, _name in item.categories if slug in self.sections]
        slug = primary if primary in self.sections else (slugs[0] if slugs else None)
        if slug is None:
            slug = next(iter(self.sections), None)
            if slug is None:
                raise ValueError("no section to put the article in")
        return Page.objects.get(pk=self.sections[slug])

    def article_fields(self, item, title, body):
        standfirst = truncate_words(plain_text(item.excerpt), STANDFIRST_MAX)
        if not standfirst:
            first = next((block["value"] for block in body if block["type"] == "paragraph"), "")
            standfirst = truncate_words(plain_text(first), STANDFIRST_MAX) or title
        hero = self.resolve_image(item.meta.get("_thumbnail_id", "").strip() or None, "")
        hero = hero if hero and hero > 0 else None
        date = wp_datetime(item.post_date_gmt) or wp_datetime(item.post_date)
        return {
            "title": title,
            "standfirst": standfirst,
            "body": body,
            "hero_image_id": hero,
            "display_date": date,
        }

    def apply_relations(self, page, item, kind):
        if kind != Kind.POST:
            return
        section_slug = None
        primary = self.category_ids.get(item.meta.get("_yoast_wpseo_primary_category", "").strip())
        slugs = [slug for slug, _name in item.categories if slug in self.sections]
        section_slug = primary if primary in self.sections else (slugs[0] if slugs else None)
        names = [name for slug, name in item.categories if slug != section_slug] + [name for _slug, name in item.tags]
        tag_ids = [tag_id for tag_id in (self.tag_for(name) for name in names) if tag_id]
        page.tags.set(list(Tag.objects.filter(pk__in=tag_ids)))
        author_id = self.authors.get(item.creator)
        if author_id:
            page.article_authors = [ArticlePageAuthor(author_id=author_id, sort_order=0)]

    def publish(self, page, item, kind):
        date = wp_datetime(item.post_date_gmt) or wp_datetime(item.post_date) or self.now
        modified = wp_datetime(item.modified_gmt) or wp_datetime(item.modified) or date
        status = item.status
        publish = status in ("publish", "private") or (status == "future" and date <= self.now)
        if status == "future" and date > self.now:
            page.go_live_at = date
            revision = page.save_revision()
            revision.publish()  # Wagtail keeps it scheduled (approved_go_live_at) until then.
            return
        revision = page.save_revision()
        if not publish:
            if status not in ("draft", "pending"):
                self.summary.warnings.append(f"{kind} {item.wp_id}: unknown status {status!r}, kept as a draft")
            return
        revision.publish()
        Revision.objects.filter(pk=revision.pk).update(created_at=modified)
        Page.objects.filter(pk=page.pk).update(
            first_published_at=date, last_published_at=modified, latest_revision_created_at=modified
        )
        if kind == Kind.POST:
            ArticlePage.objects.filter(pk=page.pk).update(display_date=date)
            if item.sticky:
                self.sticky.append(page.pk)
        self.restrict(page, item)

    def restrict(self, page, item):
        """private → signed-in users only; a password → Wagtail's password restriction with that password."""
        PageViewRestriction.objects.filter(page=page).delete()
        if item.password:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password=item.password
            )
        elif item.status == "private":
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    def feature_sticky(self):
        if not self.sticky:
            return
        home = HomePage.objects.get(pk=self.home_id)
        held = list(home.featured_stories.values_list("article_id", flat=True))
        wanted = [pk for pk in dict.fromkeys(self.sticky) if pk not in held]
        room = MAX_FEATURED - len(held)
        if not wanted:
            return
        if room < len(wanted):
            self.summary.warnings.append(
                f"{len(wanted) - max(room, 0)} sticky posts not featured: the home page holds {MAX_FEATURED} stories"
            )
        wanted = wanted[: max(room, 0)]
        if not wanted:
            return
        for order, pk in enumerate(wanted, start=len(held)):
            home.featured_stories.add(HomePageFeaturedStory(article_id=pk, sort_order=order))
        home.save_revision().publish()
        self.summary.updated["home page featured stories"] += len(wanted)


def write_report(summary, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2, ensure_ascii=False, default=str)
