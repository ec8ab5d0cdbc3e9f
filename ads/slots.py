"""The ad slots templates know about, and their default sizes and placement rules.

No model imports here: news.blocks (the rate card) imports these choices.
"""

HEADER_LEADERBOARD = "header_leaderboard"
BELOW_NAV = "below_nav"
SIDEBAR_TOP = "sidebar_top"
SIDEBAR_BOTTOM = "sidebar_bottom"
IN_ARTICLE = "in_article"
HOME_BETWEEN_SECTIONS = "home_between_sections"
FOOTER = "footer"
MOBILE_STICKY = "mobile_sticky"

SLOT_CHOICES = [
    (HEADER_LEADERBOARD, "Header leaderboard"),
    (BELOW_NAV, "Below the navigation"),
    (SIDEBAR_TOP, "Sidebar, top"),
    (SIDEBAR_BOTTOM, "Sidebar, bottom"),
    (IN_ARTICLE, "In article"),
    (HOME_BETWEEN_SECTIONS, "Home page, between sections"),
    (FOOTER, "Footer"),
    (MOBILE_STICKY, "Mobile sticky bar"),
]

# Where each slot shows, as the Slots screen tells ad managers (templates/base.html,
# news/article_page.html, home/home_page.html and static/css/newsroom.css decide it).
SLOT_PLACEMENT = {
    HEADER_LEADERBOARD: "Every page, above the masthead; desktop and phone",
    BELOW_NAV: "Every page, under the section menu; desktop and phone",
    SIDEBAR_TOP: "Articles, top of the sidebar (under the story on phones)",
    SIDEBAR_BOTTOM: "Articles, bottom of the sidebar (under the story on phones)",
    IN_ARTICLE: "Articles, between paragraphs of the story; desktop and phone",
    HOME_BETWEEN_SECTIONS: "Home page, between section blocks; desktop and phone",
    FOOTER: "Every page, above the footer; desktop and phone",
    MOBILE_STICKY: "Every page, fixed to the bottom of the screen; phones only",
}

# key: (width, height, first_after, every, max_count, min_units). The last four
# only matter for slots repeated through a list: paragraphs of an article body,
# sections of the home page.
SLOT_DEFAULTS = {
    HEADER_LEADERBOARD: (728, 90, 0, 0, 0, 0),
    BELOW_NAV: (970, 90, 0, 0, 0, 0),
    SIDEBAR_TOP: (300, 250, 0, 0, 0, 0),
    SIDEBAR_BOTTOM: (300, 600, 0, 0, 0, 0),
    IN_ARTICLE: (300, 250, 3, 4, 3, 5),
    HOME_BETWEEN_SECTIONS: (970, 250, 3, 3, 2, 4),
    FOOTER: (728, 90, 0, 0, 0, 0),
    MOBILE_STICKY: (320, 50, 0, 0, 0, 0),
}

# Blocks an in-article ad must never sit directly before: the reader would
# take the ad for part of the quote, video, gallery or table.
NO_AD_BEFORE = frozenset({"pull_quote", "embed", "gallery", "table"})
