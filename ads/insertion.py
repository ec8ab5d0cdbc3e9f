"""Where repeated slots go in a list of blocks: the in-article rule (and the same rule between home page sections)."""

from dataclasses import dataclass

from ads.slots import NO_AD_BEFORE

PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class Rule:
    first_after: int
    every: int
    max_count: int
    min_paragraphs: int


def insertion_points(block_types, rule):
    """Indexes of the blocks after which an ad goes.

    The first ad follows paragraph `first_after`, the next ones come `every`
    paragraphs after the previous ad, `max_count` at most, and none at all in
    a body of fewer than `min_paragraphs` paragraphs. An ad never goes
    directly before a quote, embed, gallery or table (it moves to after the
    next paragraph instead), never inside a block, and never after the last
    block, where it would trail the story.
    """
    block_types = list(block_types)
    paragraphs = sum(1 for block_type in block_types if block_type == PARAGRAPH)
    if rule.max_count < 1 or paragraphs < max(rule.min_paragraphs, 1):
        return []
    points = []
    seen = 0
    due_at = max(rule.first_after, 1)
    last = len(block_types) - 1
    for index, block_type in enumerate(block_types):
        if block_type != PARAGRAPH:
            continue
        seen += 1
        if seen < due_at or index == last or block_types[index + 1] in NO_AD_BEFORE:
            continue
        points.append(index)
        if len(points) >= rule.max_count:
            break
        due_at = seen + max(rule.every, 1)
    return points
