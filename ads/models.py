"""Advertisers, campaigns, creatives and slots, and the daily counts they earn.

Advertisers and campaigns are record-style screens (wagtail-modeladmin, with
a report per campaign); creatives and slots are snippets. Readers never make
these queries: pages read one cached catalogue (ads/selection.py).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.models import Orderable

from ads.slots import IN_ARTICLE, SLOT_CHOICES, SLOT_DEFAULTS, SLOT_PLACEMENT
from core.forms import PlausibleDatesMixin

HTML_PERMISSION = "ads.can_edit_html_creatives"
MAX_IMAGE_BYTES = 500 * 1024
# An image may differ this much from a slot's shape and still be said to fit it.
ASPECT_TOLERANCE = 0.05


class Advertiser(models.Model):
    name = models.CharField(max_length=150, unique=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True, help_text="Billing terms, agency, anything the desk should know.")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading="Contact",
        ),
        FieldPanel("website"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CampaignForm(PlausibleDatesMixin, WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The campaign must end after it starts.")
        targeting = data.get("targeting")
        sections = self.formsets.get("target_sections")
        if targeting == Campaign.TARGET_SECTIONS and sections is not None and sections.is_valid():
            chosen = [
                form
                for form in sections.forms
                if form.cleaned_data and form.cleaned_data.get("section") and not form.cleaned_data.get("DELETE")
            ]
            if not chosen:
                self.add_error("targeting", "Add at least one section to target, or choose another targeting.")
        if targeting == Campaign.TARGET_TAGS and "tags" in self.fields and not data.get("tags"):
            self.add_error("tags", "Add at least one tag to target, or choose another targeting.")
        return data


class CampaignQuerySet(models.QuerySet):
    def in_flight(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Campaign.ACTIVE, starts_at__lte=now, ends_at__gt=now)


class Campaign(ClusterableModel):
    ACTIVE = "active"
    PAUSED = "paused"
    STATUS_CHOICES = [(ACTIVE, "Active"), (PAUSED, "Paused")]

    TARGET_SITE = "site"
    TARGET_HOME = "home"
    TARGET_SECTIONS = "sections"
    TARGET_TAGS = "tags"
    TARGETING_CHOICES = [
        (TARGET_SITE, "Whole site"),
        (TARGET_HOME, "Home page only"),
        (TARGET_SECTIONS, "Chosen sections and their subsections"),
        (TARGET_TAGS, "Articles with chosen tags"),
    ]

    DEVICE_ALL = "all"
    DEVICE_MOBILE = "mobile"
    DEVICE_DESKTOP = "desktop"
    DEVICE_CHOICES = [(DEVICE_ALL, "All devices"), (DEVICE_MOBILE, "Phones only"), (DEVICE_DESKTOP, "Desktops only")]

    # Tiers, as ad servers have them: a slot shows the highest tier that has
    # something eligible, and weights share the impressions within a tier.
    PRIORITY_SPONSORSHIP = 4
    PRIORITY_STANDARD = 3
    PRIORITY_NETWORK = 2
    PRIORITY_HOUSE = 1
    PRIORITY_CHOICES = [
        (PRIORITY_SPONSORSHIP, "Sponsorship (first)"),
        (PRIORITY_STANDARD, "Standard"),
        (PRIORITY_NETWORK, "Network / remnant"),
        (PRIORITY_HOUSE, "House ads (last)"),
    ]

    advertiser = models.ForeignKey(Advertiser, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts", help_text=f"Time zone: {settings.TIME_ZONE}.")
    ends_at = models.DateTimeField("ends", help_text=f"Time zone: {settings.TIME_ZONE}. Nothing shows from this time.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=ACTIVE)
    priority = models.PositiveSmallIntegerField(
        choices=PRIORITY_CHOICES,
        default=PRIORITY_STANDARD,
        help_text="A slot shows the highest priority that has an eligible creative; lower ones fill in otherwise.",
    )
    weight = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="Share of impressions among campaigns of the same priority: 200 shows twice as often as 100.",
    )
    impression_goal = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Impressions sold. The campaign stops showing once the counted impressions reach it.",
    )
    targeting = models.CharField(max_length=10, choices=TARGETING_CHOICES, default=TARGET_SITE)
    tags = ClusterTaggableManager(
        through="ads.CampaignTag", blank=True, help_text="For tag targeting: articles with any of these tags."
    )
    device = models.CharField(max_length=10, choices=DEVICE_CHOICES, default=DEVICE_ALL)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    base_form_class = CampaignForm
    panels = [
        FieldPanel("advertiser"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="Flight"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("priority"), FieldPanel("weight")], heading="Delivery"),
        FieldPanel("impression_goal"),
        MultiFieldPanel(
            [
                FieldPanel("targeting"),
                InlinePanel("target_sections", label="Section", heading="Sections (for section targeting)"),
                FieldPanel("tags"),
                FieldPanel("device"),
            ],
            heading="Targeting",
        ),
        InlinePanel(
            "sponsored_articles",
            label="Sponsored article",
            heading="Sponsored articles",
            help_text="Paid-for articles of this advertiser: they show only this advertiser's ads.",
        ),
        FieldPanel("notes"),
    ]

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "name"]

    def __str__(self):
        return f"{self.advertiser.name}: {self.name}" if self.advertiser_id else self.name

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The campaign must end after it starts."})

    def is_in_flight(self, now=None):
        now = now or timezone.now()
        return self.status == self.ACTIVE and self.starts_at <= now < self.ends_at


class CampaignSection(Orderable):
    campaign = ParentalKey(Campaign, related_name="target_sections", on_delete=models.CASCADE)
    section = models.ForeignKey("news.SectionPage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("section", page_type="news.SectionPage")]

    class Meta(Orderable.Meta):
        verbose_name = "target section"

    def __str__(self):
        return str(self.section)


class CampaignSponsoredArticle(Orderable):
    campaign = ParentalKey(Campaign, related_name="sponsored_articles", on_delete=models.CASCADE)
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", page_type="news.ArticlePage")]

    class Meta(Orderable.Meta):
        verbose_name = "sponsored article"

    def __str__(self):
        return str(self.article)


class CampaignTag(TaggedItemBase):
    content_object = ParentalKey(Campaign, related_name="tagged_items", on_delete=models.CASCADE)


class Slot(models.Model):
    """A place on the page that can hold an ad; templates name it by key."""

    key = models.CharField(max_length=40, choices=SLOT_CHOICES, unique=True)
    name = models.CharField(max_length=100)
    width = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2000)])
    height = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2000)])
    enabled = models.BooleanField(default=True, help_text="Untick to show nothing in this slot anywhere.")
    first_after = models.PositiveSmallIntegerField(
        "first after",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="In-article: the first ad goes after this paragraph. Home page: after this section.",
    )
    every = models.PositiveSmallIntegerField(
        "then every", default=4, validators=[MinValueValidator(1)], help_text="Paragraphs (or sections) between ads."
    )
    max_count = models.PositiveSmallIntegerField("at most", default=3, help_text="Ads of this slot per page.")
    min_paragraphs = models.PositiveSmallIntegerField(
        "only with at least",
        default=5,
        help_text="Paragraphs (or home page sections) a page needs before this slot shows at all.",
    )

    panels = [
        FieldPanel("key"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("width"), FieldPanel("height")], heading="Size (pixels)"),
        FieldPanel("enabled"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("first_after"), FieldPanel("every")]),
                FieldRowPanel([FieldPanel("max_count"), FieldPanel("min_paragraphs")]),
            ],
            heading="Repeat rule (in-article and between home page sections only)",
        ),
    ]

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.name} ({self.size})"

    @property
    def size(self):
        return f"{self.width}×{self.height}"

    @property
    def placement(self):
        """Where readers see this slot: which pages, where on them, on which devices."""
        return SLOT_PLACEMENT.get(self.key, "Not placed by any template")


def ensure_default_slots():
    """The slots by key, creating any of the eight template slots that is missing.

    Migrations create them; a database flushed by transactional tests needs them back.
    """
    slots = {slot.key: slot for slot in Slot.objects.all()}
    names = dict(SLOT_CHOICES)
    for key, (width, height, first_after, every, max_count, min_paragraphs) in SLOT_DEFAULTS.items():
        if key not in slots:
            slots[key] = Slot.objects.create(
                key=key,
                name=names[key],
                width=width,
                height=height,
                first_after=max(first_after, 1),
                every=max(every, 1),
                max_count=max_count,
                min_paragraphs=min_paragraphs,
            )
    return slots


def validate_image_size(file):
    if file and file.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            f"Ad images may be at most {MAX_IMAGE_BYTES // 1024} kB; this one is {file.size // 1024} kB."
        )


class CreativeForm(WagtailAdminModelForm):
    """HTML tags run third-party code: only holders of the dedicated permission may create or change them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_kind = self.instance.kind if self.instance.pk else None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        user = self.for_user
        may_edit_html = user is not None and user.has_perm(HTML_PERMISSION)
        if not may_edit_html and Creative.HTML in (kind, self.original_kind):
            self.add_error(
                "kind" if "kind" in self.fields else None,
                "Only ad managers may create or change HTML-tag creatives.",
            )
        slots = data.get("slots") or []
        if kind == Creative.HTML:
            if any(slot.key == IN_ARTICLE for slot in slots):
                self.add_error("slots", "HTML tags are never shown inside articles: untick the in-article slot.")
            if "html" in self.fields and not (data.get("html") or "").strip():
                self.add_error("html", "Paste the ad tag.")
        elif kind == Creative.IMAGE:
            image = data.get("image")
            if not image:
                self.add_error("image", "Upload the banner image.")
            if not data.get("link_url"):
                self.add_error("link_url", "Enter the address the ad links to.")
            if not (data.get("alt_text") or "").strip():
                self.add_error("alt_text", "Describe the ad for readers who cannot see it.")
            if image:
                width, height = _image_dimensions(image)
                misfits = [slot for slot in slots if width and height and not fits(width, height, slot)]
                if misfits:
                    names = ", ".join(f"{slot.name} ({slot.size})" for slot in misfits)
                    self.add_error(
                        "slots",
                        f"This {width}×{height} image does not have the shape of {names}: "
                        "untick those slots or make a creative with an image of their size.",
                    )
        return data


def _image_dimensions(image):
    width = getattr(image, "width", None)
    height = getattr(image, "height", None)
    if width is None:
        image_info = getattr(image, "image", None)
        width, height = getattr(image_info, "size", (None, None))
    return width, height


def fits(width, height, slot):
    return abs(width / height - slot.width / slot.height) <= ASPECT_TOLERANCE * (slot.width / slot.height)


class Creative(models.Model):
    IMAGE = "image"
    HTML = "html"
    KIND_CHOICES = [(IMAGE, "Image"), (HTML, "HTML tag (ad network)")]

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="creatives")
    name = models.CharField(max_length=200)
    slots = models.ManyToManyField(Slot, related_name="creatives", help_text="The slots this creative fits.")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=IMAGE)
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick to stop showing this creative without pausing its campaign."
    )
    image = models.ImageField(
        upload_to="ads/%Y/%m/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "gif", "webp"]), validate_image_size],
        help_text="The banner, at the slot's size or a multiple of it (e.g. 600×500 for 300×250). At most 500 kB.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    link_url = models.URLField(
        "link URL",
        max_length=2000,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where a click goes. Readers pass through our counter, which sends them only to this address.",
    )
    alt_text = models.CharField(max_length=250, blank=True, help_text="What the banner says, for screen readers.")
    html = models.TextField(
        "HTML tag",
        blank=True,
        help_text="The ad network's tag. It runs in a sandboxed frame and can never touch the page.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = CreativeForm
    panels = [
        FieldPanel("campaign"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("slots", widget=forms.CheckboxSelectMultiple),
        FieldPanel("is_active"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("link_url"), FieldPanel("alt_text")], heading="Image creative"
        ),
        FieldPanel("html", permission=HTML_PERMISSION, heading="HTML tag creative"),
    ]

    class Meta:
        ordering = ["campaign", "name"]
        permissions = [("can_edit_html_creatives", "Can create and edit HTML-tag creatives")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == self.IMAGE and self.html:
            self.html = ""

    def slot_names(self):
        return ", ".join(slot.name for slot in self.slots.all())

    slot_names.short_description = "Slots"

    def preview(self):
        if self.kind == self.IMAGE and self.image:
            return format_html(
                '<img src="{}" alt="" style="max-height:40px;max-width:160px;object-fit:contain">', self.image.url
            )
        return "HTML tag" if self.kind == self.HTML else ""

    preview.short_description = "Preview"


class AdDailyStat(models.Model):
    """Impressions and clicks of one creative in one slot on one day (in TIME_ZONE), rolled up from the counters.

    Plain ids, not foreign keys: a creative deleted meanwhile must not fail a
    roll-up, and its campaign keeps the counts it paid for.
    """

    date = models.DateField()
    campaign_id = models.BigIntegerField(help_text="0 when the creative no longer existed at roll-up.")
    creative_id = models.BigIntegerField()
    slot_id = models.BigIntegerField()
    impressions = models.PositiveIntegerField(default=0, db_default=0)
    clicks = models.PositiveIntegerField(default=0, db_default=0)
    # Past one address's hourly cap: invalid traffic, shown apart and never billed or counted towards a goal.
    invalid_impressions = models.PositiveIntegerField(default=0, db_default=0)
    invalid_clicks = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["date", "campaign_id", "creative_id", "slot_id"], name="unique_ad_daily_stat"
            )
        ]
        indexes = [models.Index(fields=["campaign_id", "date"], name="addailystat_campaign_date")]

    def __str__(self):
        return f"{self.date} creative {self.creative_id} slot {self.slot_id}: {self.impressions} / {self.clicks}"
