"""The rate card for the "Our Advert Rates" page (a StandardPage block, see home.blocks.StandardBodyBlock)."""

from wagtail import blocks

from ads.slots import SLOT_CHOICES, SLOT_DEFAULTS


class RateCardRowBlock(blocks.StructBlock):
    slot = blocks.ChoiceBlock(choices=SLOT_CHOICES)
    size = blocks.CharBlock(max_length=40, help_text="e.g. 728×90 (desktop), 320×50 (mobile)")
    price = blocks.CharBlock(max_length=80, help_text="e.g. ₦350,000 per week")
    notes = blocks.TextBlock(required=False, max_length=400)


class RateCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, default="Display advertising rates", max_length=120)
    rows = blocks.ListBlock(RateCardRowBlock(), min_num=1)
    footnote = blocks.TextBlock(
        required=False, max_length=600, help_text="e.g. Prices exclude VAT. Contact ads@… to book."
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        names = dict(SLOT_CHOICES)
        context["rows"] = [{**row, "slot_name": names.get(row["slot"], row["slot"])} for row in value["rows"]]
        return context

    class Meta:
        icon = "table"
        label = "Rate card"
        template = "components/streamfield/blocks/rate_card.html"
        preview_value = {
            "title": "Display advertising rates",
            "rows": [
                {
                    "slot": key,
                    "size": f"{SLOT_DEFAULTS[key][0]}×{SLOT_DEFAULTS[key][1]}",
                    "price": price,
                    "notes": notes,
                }
                for key, price, notes in [
                    ("header_leaderboard", "₦450,000 per week", "Every page, above the masthead."),
                    ("sidebar_top", "₦300,000 per week", "Articles, beside the story."),
                    ("in_article", "₦250,000 per week", "Between paragraphs of long reads."),
                ]
            ],
            "footnote": "Prices exclude VAT.",
        }
