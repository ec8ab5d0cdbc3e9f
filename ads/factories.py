"""factory_boy factories for the ads app (tests and the demo)."""

import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from ads.models import Advertiser, Campaign, Creative, ensure_default_slots
from ads.slots import SLOT_DEFAULTS


class AdvertiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advertiser
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Advertiser {n}")
    contact_email = factory.LazyAttribute(lambda o: f"ads@{o.name.lower().replace(' ', '')}.example")


class CampaignFactory(factory.django.DjangoModelFactory):
    """In flight from a day ago for thirty days, whole site, all devices."""

    class Meta:
        model = Campaign

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    status = Campaign.ACTIVE
    priority = Campaign.PRIORITY_STANDARD
    weight = 100
    targeting = Campaign.TARGET_SITE
    device = Campaign.DEVICE_ALL


class CreativeFactory(factory.django.DjangoModelFactory):
    """An image creative for `slot_keys` (default: sidebar_top), a plain banner of the first slot's size."""

    class Meta:
        model = Creative

    # Not a model field: _create turns it into the slots relation.
    slot_keys = ("sidebar_top",)
    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Creative {n}")
    kind = Creative.IMAGE
    link_url = factory.Sequence(lambda n: f"https://advertiser.example/landing/{n}?utm_source=newsroom")
    alt_text = factory.LazyAttribute(lambda o: f"{o.name}: an advertisement")
    image = factory.LazyAttribute(
        lambda o: (
            _plain_png(*_size_of(o.slot_keys[0]), name=f"creative-{o.slot_keys[0]}.png")
            if o.kind == Creative.IMAGE
            else None
        )
    )

    @classmethod
    def _create(cls, model_class, *args, slot_keys=("sidebar_top",), **kwargs):
        instance = super()._create(model_class, *args, **kwargs)
        slots = ensure_default_slots()
        instance.slots.set([slots[key] for key in slot_keys])
        return instance


def _plain_png(width, height, name):
    # The demo draws lettered banners (demo.banners); tests need only the right size.
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#1f4e79").save(out, format="PNG")
    return ContentFile(out.getvalue(), name=name)


def _size_of(key):
    width, height = SLOT_DEFAULTS[key][:2]
    return width, height
