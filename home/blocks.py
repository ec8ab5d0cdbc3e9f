"""The standard page's body: the article blocks that suit a static page, and the ads' rate card."""

from wagtail import blocks

from ads.blocks import RateCardBlock
from news.blocks import ArticleImageBlock, DownloadBlock, FactBoxBlock, HeadingBlock, ParagraphBlock, TableBlock


class StandardBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = ArticleImageBlock()
    fact_box = FactBoxBlock()
    table = TableBlock()
    download = DownloadBlock()
    rate_card = RateCardBlock()
