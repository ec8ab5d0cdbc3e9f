"""Invented copy for `manage.py seed_demo`: a national daily's sections, bylines, tags and stories.

Every person, quote and figure here is made up. The builders take a `random.Random`, so one seed always
gives the same newsroom. Headlines come from templates whose slots are filled from the word lists below;
a story's standfirst and body reuse the headline's slots, so the three read as one story.
"""

from news.models import ArticleKind

SITE_NAME = "Newsroom"
SITE_TAGLINE = "Independent journalism from Nigeria and Africa"
COPYRIGHT_LINE = "© Newsroom Media Ltd. All rights reserved."
SOCIAL_LINKS = {
    "facebook_url": "https://www.facebook.com/NewsroomNG",
    "x_url": "https://x.com/NewsroomNG",
    "instagram_url": "https://www.instagram.com/newsroomng",
    "youtube_url": "https://www.youtube.com/@NewsroomNG",
    "linkedin_url": "https://www.linkedin.com/company/newsroom-ng",
    "telegram_url": "https://t.me/newsroomng",
    "whatsapp_channel_url": "https://whatsapp.com/channel/0029VaNewsroomDemo5x2Q1k",
}

# (title, intro, topic, share of articles). The topic picks the headline templates.
TOP_SECTIONS = [
    ("News", "The day's main stories from across the federation.", "news", 16),
    ("Column", "Our columnists on power, money and everyday life.", "opinion", 5),
    ("Education", "Schools, universities, exams and the people who run them.", "education", 5),
    ("International", "Reports from around the world and what they mean for Nigeria.", "international", 5),
    ("Judiciary", "The courts, the judges and the cases that shape the law.", "judiciary", 5),
    ("Politics", "Government, parties, the National Assembly and the states.", "politics", 12),
    ("Sports", "Football, athletics and every sport Nigerians follow.", "sports", 10),
]
MORE_SECTION = ("More", "Every other section of the paper.")
MORE_SECTIONS = [
    ("Africa", "News from across the continent.", "africa", 3),
    ("Analysis", "Behind the headlines: data, context and explanation.", "opinion", 2),
    ("Business", "Markets, money, companies and the economy.", "business", 6),
    ("Entertainment", "Nollywood, music, fashion and the people who make them.", "entertainment", 4),
    ("Featured", "Long reads and the stories we are proudest of.", "feature", 2),
    ("Lens Speak", "Photo essays from our photographers.", "pictures", 1),
    ("Info-Tech", "Technology, telecoms and the start-ups building Nigeria's digital economy.", "tech", 3),
    ("Interview", "Conversations with the people in the news.", "interview", 2),
    ("Nigeria Decides", "Elections: candidates, campaigns, results.", "elections", 3),
    ("Opinion", "Views from our contributors and readers.", "opinion", 3),
    ("Personality Profile", "The lives behind the names.", "profile", 1),
    ("Picture of the Month", "One photograph, and the story behind it.", "pictures", 1),
    ("Science", "Health, climate and discovery.", "science", 2),
    ("Special Project", "Investigations and multi-part series.", "feature", 1),
    ("Videos", "Watch: reports, explainers and interviews.", "video", 2),
    ("Weekend Sports", "Previews, results and talking points from the weekend.", "sports", 2),
]

# (kind, weight) per topic; topics not listed are mostly news with some analysis and features.
TOPIC_KINDS = {
    "opinion": [(ArticleKind.OPINION, 1)],
    "interview": [(ArticleKind.INTERVIEW, 1)],
    "video": [(ArticleKind.VIDEO, 1)],
    "feature": [(ArticleKind.FEATURE, 1)],
    "profile": [(ArticleKind.FEATURE, 1)],
    "pictures": [(ArticleKind.FEATURE, 1)],
    "business": [(ArticleKind.NEWS, 14), (ArticleKind.ANALYSIS, 3), (ArticleKind.SPONSORED, 1)],
    "tech": [(ArticleKind.NEWS, 14), (ArticleKind.FEATURE, 3), (ArticleKind.SPONSORED, 1)],
}
DEFAULT_KINDS = [(ArticleKind.NEWS, 16), (ArticleKind.ANALYSIS, 2), (ArticleKind.FEATURE, 2)]
# Sections whose kind is fixed by their name rather than by their topic.
SECTION_KINDS = {"Column": ArticleKind.COLUMN, "Analysis": ArticleKind.ANALYSIS, "Opinion": ArticleKind.OPINION}

# (name, role). Columnists write the Column and Opinion pieces; everyone else reports.
AUTHORS = [
    ("Adaeze Okonkwo", "Political Editor"),
    ("Babatunde Adeyemi", "Columnist"),
    ("Chinedu Eze", "Judiciary Correspondent"),
    ("Fatima Bello", "Abuja Bureau Chief"),
    ("Ngozi Nwachukwu", "Columnist"),
    ("Olumide Akinwale", "Sports Editor"),
    ("Hauwa Abubakar", "Education Correspondent"),
    ("Emeka Obiora", "Business Editor"),
    ("Yetunde Balogun", "Entertainment Reporter"),
    ("Ibrahim Musa", "Northern Correspondent"),
    ("Aisha Lawal", "Health and Science Reporter"),
    ("Tunde Oyelaran", "Columnist"),
    ("Chiamaka Nnadi", "Foreign Affairs Reporter"),
    ("Segun Ogunleye", "Photojournalist"),
    ("Zainab Suleiman", "Data Reporter"),
    ("Kelechi Ibe", "Technology Reporter"),
    ("Funmilayo Adebayo", "Columnist"),
    ("Musa Danjuma", "Senior Reporter"),
    ("Ifeoma Chukwuemeka", "Lagos Correspondent"),
    ("Oluwaseun Adeoti", "Columnist"),
]
AUTHOR_BIO = (
    "<p>{name} is {role_article} {role_lower} at Newsroom. Before joining the paper, {first} reported "
    'from {city} for ten years. Write to {first} at <a href="mailto:{email}">{email}</a>.</p>'
)

TAGS = [
    "Tinubu", "INEC", "Super Eagles", "Lagos", "Naira", "Abuja", "CBN", "NNPC", "Senate", "House of Reps",
    "Supreme Court", "EFCC", "Kano", "Rivers", "Fuel subsidy", "Inflation", "ASUU", "JAMB", "WAEC", "Insecurity",
    "Banditry", "Niger Delta", "Nollywood", "Afrobeats", "Premier League", "AFCON", "Super Falcons", "ECOWAS",
    "African Union", "Climate change", "Flooding", "Health", "Power supply", "Start-ups", "Fintech", "Agriculture",
    "Oil and gas", "2027 elections", "Governors' Forum", "Police",
]  # fmt: skip
# Tags each topic draws most of its tags from; any tag can still turn up anywhere.
TOPIC_TAGS = {
    "news": ["Lagos", "Abuja", "Kano", "Rivers", "Insecurity", "Banditry", "Police", "Flooding", "Power supply"],
    "politics": ["Tinubu", "Senate", "House of Reps", "Governors' Forum", "2027 elections", "INEC", "EFCC"],
    "elections": ["INEC", "2027 elections", "Tinubu", "Governors' Forum", "Supreme Court"],
    "judiciary": ["Supreme Court", "EFCC", "Police", "INEC", "Senate"],
    "education": ["ASUU", "JAMB", "WAEC", "Kano", "Lagos"],
    "international": ["ECOWAS", "African Union", "Tinubu", "Climate change", "Oil and gas"],
    "africa": ["ECOWAS", "African Union", "Climate change", "AFCON"],
    "sports": ["Super Eagles", "Super Falcons", "AFCON", "Premier League"],
    "business": ["Naira", "CBN", "Inflation", "NNPC", "Fuel subsidy", "Oil and gas", "Agriculture", "Fintech"],
    "tech": ["Start-ups", "Fintech", "Power supply", "Lagos"],
    "entertainment": ["Nollywood", "Afrobeats", "Lagos"],
    "science": ["Health", "Climate change", "Flooding", "Agriculture"],
    "opinion": ["Tinubu", "Naira", "Inflation", "Insecurity", "Fuel subsidy", "2027 elections"],
}

STANDARD_PAGES = [
    (
        "About us",
        [
            ("paragraph", "Newsroom is an independent daily covering Nigeria, Africa and the world. We were founded "
             "on a simple idea: readers deserve news that is accurate, fair and fast, in that order."),
            ("heading", "Who we are"),
            ("paragraph", "Our reporters work from Lagos, Abuja, Kano, Port Harcourt and Enugu, with correspondents "
             "in every geopolitical zone and contributors across the continent."),
            ("heading", "Our standards"),
            ("paragraph", "We correct our mistakes openly. Every correction is dated and shown at the end of the "
             "article it corrects."),
        ],
    ),
    (
        "Disclaimer",
        [
            ("paragraph", "Opinions expressed in columns and opinion pieces are those of their writers and not "
             "necessarily those of Newsroom."),
            ("paragraph", "Links to other websites are provided for convenience; we are not responsible for their "
             "content."),
        ],
    ),
    (
        "Our Advert Rates",
        [
            ("paragraph", "Reach millions of readers across Nigeria and the diaspora every month."),
            ("heading", "Display advertising"),
            ("paragraph", "Leaderboard, MPU and in-article placements are sold by the week. Write to "
             "<a href=\"mailto:adverts@example.com\">adverts@example.com</a> for the current rate card."),
            ("heading", "Sponsored content"),
            ("paragraph", "Sponsored articles are written with our commercial team and always labelled "
             "<b>Sponsored</b>."),
        ],
    ),
    (
        "Privacy Policy",
        [
            ("paragraph", "We collect as little about you as we can, and never sell it."),
            ("heading", "What we collect"),
            ("paragraph", "We count page views without cookies. If you write to us, we keep your message and your "
             "address for as long as we need to answer it."),
            ("heading", "Your rights"),
            ("paragraph", "You may ask us for a copy of what we hold about you, or ask us to delete it, under the "
             "Nigeria Data Protection Act 2023."),
        ],
    ),
    (
        "Terms of Use",
        [
            ("paragraph", "By using this website you agree to these terms."),
            ("heading", "Copyright"),
            ("paragraph", "All content is © Newsroom Media Ltd. unless stated otherwise. You may share links and "
             "short quotations with attribution."),
            ("heading", "Comments and submissions"),
            ("paragraph", "Anything you send us for publication may be edited for length and clarity."),
        ],
    ),
]  # fmt: skip

# (title, alt text or "" for none, gradient from, gradient to). The title is drawn on the picture.
IMAGES = [
    ("Lagos skyline at dusk", "The Lagos Island skyline at dusk, seen across the lagoon", "#1d3557", "#e76f51"),
    ("National Assembly complex", "The dome of the National Assembly in Abuja under a clear sky", "#264653", "#e9c46a"),
    ("Traders at Balogun market", "Shoppers crowd a lane of stalls at Balogun market", "#6d597a", "#ffb703"),
    ("Super Eagles training", "Players in green jerseys stretch on a training pitch", "#0b6e4f", "#a7c957"),
    ("Supreme Court building", "The front of the Supreme Court building in Abuja", "#3d405b", "#f2cc8f"),
    ("Polling unit queue", "Voters queue at a polling unit under a canopy", "#14213d", "#fca311"),
    ("Classroom in Kano", "Pupils in uniform sit at desks in a classroom", "#283618", "#dda15e"),
    ("Third Mainland Bridge traffic", "Evening traffic on the Third Mainland Bridge", "#001219", "#ee9b00"),
    ("Oil platform offshore", "An offshore oil platform at sea", "#03045e", "#48cae4"),
    ("Farmers harvesting maize", "Farmers load harvested maize into sacks", "#386641", "#f4a261"),
    ("Nollywood film set", "A film crew sets up lights on a Nollywood set", "#3a0ca3", "#f72585"),
    ("Afrobeats concert crowd", "A crowd raises phones at an Afrobeats concert", "#240046", "#ff6d00"),
    ("Tech hub in Yaba", "Young developers work on laptops at a shared desk", "#073b4c", "#06d6a0"),
    ("Flooded street in Maiduguri", "Residents wade through a flooded street", "#023047", "#8ecae6"),
    ("Central Bank headquarters", "The Central Bank of Nigeria headquarters in Abuja", "#2b2d42", "#8d99ae"),
    ("Hospital ward", "Nurses attend to patients in a hospital ward", "#005f73", "#94d2bd"),
    ("ECOWAS summit", "Heads of state pose for a group photograph at a summit", "#22223b", "#c9ada7"),
    ("Lagos BRT bus", "A blue BRT bus at a Lagos bus stop", "#1b263b", "#48b8d0"),
    ("Fuel queue in Abuja", "Motorists queue at a filling station", "#432818", "#ffe6a7"),
    ("University graduation", "Graduates toss their caps at a convocation", "#5f0f40", "#fb8b24"),
    # Pictures without a description: article blocks that use them must carry their own alt text.
    ("Market scene", "", "#2f3e46", "#cad2c5"),
    ("Press conference", "", "#370617", "#f48c06"),
    ("Stadium at night", "", "#10002b", "#9d4edd"),
    ("Harmattan haze over Kano", "", "#7f5539", "#ede0d4"),
]  # fmt: skip

DOCUMENTS = [
    ("2025 budget: allocations by sector (CSV)", "budget-allocations-2025.csv"),
    ("Election timetable (text)", "election-timetable.txt"),
]

# Embeds that news.blocks.parse_embed_url accepts: YouTube, Vimeo and posts on X.
EMBEDS = [
    ("https://www.youtube.com/watch?v=Nw3tY8kPq2A", "Watch: the briefing in full"),
    ("https://youtu.be/Qz7Lm2pXc4B", "Watch: scenes from the ground"),
    ("https://www.youtube.com/shorts/Hk8Rt5Vw1Ye", "Watch: the moment in 60 seconds"),
    ("https://vimeo.com/76979871", "Documentary: a day in the life"),
    ("https://vimeo.com/channels/staffpicks/148751763", "Film: the long road home"),
    ("https://x.com/NewsroomNG/status/1790000000000000001", "The announcement on X"),
    ("https://x.com/NewsroomNG/status/1812345678901234567", "Our reporter's thread from the scene"),
]

# Each state with its capital first and a few other towns, so a story's city sits in its state.
STATE_CITIES = {
    "Abia": ["Umuahia", "Aba"],
    "Adamawa": ["Yola", "Mubi"],
    "Akwa Ibom": ["Uyo", "Eket"],
    "Anambra": ["Awka", "Onitsha", "Nnewi"],
    "Bauchi": ["Bauchi", "Azare"],
    "Bayelsa": ["Yenagoa"],
    "Benue": ["Makurdi", "Otukpo"],
    "Borno": ["Maiduguri", "Biu"],
    "Cross River": ["Calabar", "Ikom"],
    "Delta": ["Asaba", "Warri", "Sapele"],
    "Ebonyi": ["Abakaliki"],
    "Edo": ["Benin City", "Auchi"],
    "Ekiti": ["Ado-Ekiti"],
    "Enugu": ["Enugu", "Nsukka"],
    "Gombe": ["Gombe"],
    "Imo": ["Owerri", "Orlu"],
    "Jigawa": ["Dutse", "Hadejia"],
    "Kaduna": ["Kaduna", "Zaria", "Kafanchan"],
    "Kano": ["Kano", "Wudil"],
    "Katsina": ["Katsina", "Funtua"],
    "Kebbi": ["Birnin Kebbi"],
    "Kogi": ["Lokoja", "Okene"],
    "Kwara": ["Ilorin", "Offa"],
    "Lagos": ["Lagos", "Ikeja", "Ikorodu", "Epe", "Badagry"],
    "Nasarawa": ["Lafia", "Keffi"],
    "Niger": ["Minna", "Bida"],
    "Ogun": ["Abeokuta", "Ijebu-Ode", "Sagamu"],
    "Ondo": ["Akure", "Ondo"],
    "Osun": ["Osogbo", "Ile-Ife", "Ilesa"],
    "Oyo": ["Ibadan", "Ogbomoso", "Oyo"],
    "Plateau": ["Jos", "Pankshin"],
    "Rivers": ["Port Harcourt", "Bonny"],
    "Sokoto": ["Sokoto"],
    "Taraba": ["Jalingo", "Wukari"],
    "Yobe": ["Damaturu", "Potiskum"],
    "Zamfara": ["Gusau"],
}
STATES = list(STATE_CITIES)
CITY_STATE = {city: state for state, cities in STATE_CITIES.items() for city in cities}
CITY_STATE["Abuja"] = None
CITIES = list(CITY_STATE)
FIRST_NAMES = [
    "Adebayo", "Chukwuma", "Ngozi", "Amina", "Olusegun", "Ifeanyi", "Bukola", "Yusuf", "Halima", "Tobi", "Obinna",
    "Kemi", "Sani", "Nneka", "Femi", "Aminu", "Uche", "Folake", "Garba", "Ebere", "Rotimi", "Hadiza", "Kunle",
    "Chioma", "Danladi", "Bisi", "Nnamdi", "Maryam", "Wale", "Ijeoma",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Adewale", "Bello", "Nwosu", "Abdullahi", "Ogunbiyi", "Eze", "Yakubu", "Olawale", "Umeh", "Ibrahim",
    "Adeleke", "Onyeka", "Mohammed", "Ajayi", "Chukwu", "Garba", "Okeke", "Aliyu", "Oyebanji", "Anyanwu", "Usman",
    "Akande", "Obi", "Shehu", "Ojo", "Nwankwo", "Idris", "Salami", "Ekwueme",
]  # fmt: skip
ROLES = [
    "the governor", "the minister", "a senator", "the commissioner", "the party chairman", "a lawmaker",
    "the spokesperson", "the director-general", "the chief executive", "a community leader", "the vice-chancellor",
    "a trader", "an economist", "a lecturer", "the police commissioner",
]  # fmt: skip
AGENCIES = [
    "INEC", "EFCC", "CBN", "NNPC", "NCDC", "NAFDAC", "FIRS", "NDLEA", "JAMB", "NBS", "NCC", "NERC", "ICPC", "NIMC",
    "FRSC", "NEMA", "NiMet", "NPA", "NUC", "SEC",
]  # fmt: skip
OFFICIALS = [
    "Governor", "Senate President", "Finance Minister", "Speaker", "Inspector-General", "Chief Justice",
    "Education Minister", "Health Minister", "Petroleum Minister", "Works Minister", "Attorney-General",
    "Vice-President", "Defence Minister", "Information Minister",
]  # fmt: skip
PARTIES = ["APC", "PDP", "Labour Party", "NNPP", "ADC", "APGA", "SDP", "YPP"]
GROUPS = [
    "traders", "farmers", "students", "doctors", "nurses", "lecturers", "commuters", "pensioners", "residents",
    "artisans", "fishermen", "youths", "market women", "transporters", "civil servants", "teachers", "retirees",
    "miners", "herders", "bakers",
]  # fmt: skip
POLICIES = [
    "fuel subsidy removal", "the new minimum wage", "the tax reform bills", "the electricity tariff review",
    "the student loan scheme", "the port concession plan", "the cash withdrawal limit", "the rice import ban",
    "the coastal highway project", "the new land use charge", "the school feeding programme",
    "the state police bill", "the cybersecurity levy", "the social investment programme", "the grazing reserve plan",
]  # fmt: skip
ISSUES = [
    "insecurity", "unpaid salaries", "rising food prices", "power outages", "flooding", "kidnappings",
    "exam malpractice", "fuel scarcity", "road collapse", "land disputes", "youth unemployment", "cholera",
    "out-of-school children", "pipeline vandalism", "illegal mining",
]  # fmt: skip
CLUBS = [
    "Enyimba", "Enugu Rangers", "Kano Pillars", "Remo Stars", "Shooting Stars", "Rivers United", "Plateau United",
    "Lobi Stars", "Kwara United", "Heartland", "Bendel Insurance", "Akwa United", "Sunshine Stars", "Abia Warriors",
    "Nasarawa United", "Niger Tornadoes",
]  # fmt: skip
EUROPEAN_CLUBS = [
    "Arsenal", "Chelsea", "Liverpool", "Manchester United", "Napoli", "Atalanta", "Lille", "Galatasaray", "Fulham",
    "Leicester City", "Porto", "Sevilla", "Brentford", "Crystal Palace", "Everton", "Wolfsburg",
]  # fmt: skip
COUNTRIES = [
    "Ghana", "Senegal", "Cameroon", "South Africa", "Egypt", "Morocco", "Niger", "Benin", "Kenya", "Ethiopia",
    "Togo", "Mali", "Ivory Coast", "Algeria", "Tunisia", "Rwanda", "Angola", "Zambia", "Burkina Faso", "Chad",
    "Sudan", "Liberia", "Sierra Leone", "Gabon",
]  # fmt: skip
WORLD = [
    "the United States", "China", "the United Kingdom", "France", "India", "Brazil", "Germany", "Saudi Arabia",
    "the European Union", "Turkey", "Japan", "the United Arab Emirates", "Canada", "Russia", "Qatar",
]  # fmt: skip
COMPETITIONS = [
    "AFCON qualifier", "World Cup qualifier", "friendly", "CAF Champions League tie", "NPFL clash",
    "Federation Cup final", "CAF Confederation Cup tie", "WAFCON qualifier",
]  # fmt: skip
SPORTS = ["athletics", "basketball", "boxing", "wrestling", "table tennis", "weightlifting", "para-powerlifting"]
COMPANIES = [
    "Lekki Cement", "Savannah Foods", "Eko Telecom", "Niger Delta Energy", "Harmattan Bank", "Sahel Breweries",
    "Ogun Steel", "Delta Petroleum", "Benue Agro", "Atlantic Power", "Crescent Bank", "Zuma Flour Mills",
    "Kainji Hydro", "Badagry Ports", "Oduduwa Textiles", "Jos Tin Works",
]  # fmt: skip
STARTUPS = [
    "PayNaija", "Kobopay", "Danfo Data", "Okada Logistics", "Suya Labs", "Jollof Cloud", "MamaPut Health",
    "Gidi Learn", "Agbado Agritech", "Naira Box", "Ankara Commerce", "Zobo Mobility", "Lekki Robotics",
    "Sahel Solar", "Keke Finance", "Ogbono AI",
]  # fmt: skip
ARTISTS = [
    "Kemi Adetola", "Bimbo Starr", "Lady Zee", "Kayode Blaze", "Yinka Vibes", "Chidi Groove", "Ada Melody",
    "Jide Sonic", "Amaka Gold", "DJ Lagoon", "Baba Rhythm", "Nene Soul",
]  # fmt: skip
FILMS = [
    "The Lagoon Wife", "Danfo Drivers", "Harmattan Heart", "King of Oshodi", "Okada Nights", "The Ninth Chief",
    "Ekun", "Suya Spot", "A Bride for Lekki", "River Gods", "Owambe", "Third Mainland",
]  # fmt: skip
SCIENCE_TOPICS = [
    "malaria vaccine", "Lassa fever", "sickle cell treatment", "solar mini-grids", "drought-resistant cassava",
    "air pollution", "gully erosion", "mpox", "antibiotic resistance", "maternal deaths", "desert encroachment",
    "a new bird species",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _person(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _win(rng):
    winner = rng.choice([1, 2, 2, 3, 3, 4])
    return f"{winner}-{rng.randrange(winner)}"


SLOT_FILLERS = {
    "state": lambda rng: rng.choice(STATES),
    "state2": lambda rng: rng.choice(STATES),
    "city": lambda rng: rng.choice(CITIES),
    "person": _person,
    "person2": _person,
    "role": lambda rng: rng.choice(ROLES),
    "agency": lambda rng: rng.choice(AGENCIES),
    "anti_graft": lambda rng: rng.choice(["EFCC", "ICPC", "Police"]),
    "enforcer": lambda rng: rng.choice(["NDLEA", "NAFDAC", "Customs", "EFCC", "SON"]),
    "official": lambda rng: rng.choice(OFFICIALS),
    "party": lambda rng: rng.choice(PARTIES),
    "group": lambda rng: rng.choice(GROUPS),
    "policy": lambda rng: rng.choice(POLICIES),
    "issue": lambda rng: rng.choice(ISSUES),
    "club": lambda rng: rng.choice(CLUBS),
    "club2": lambda rng: rng.choice(CLUBS),
    "euro_club": lambda rng: rng.choice(EUROPEAN_CLUBS),
    "country": lambda rng: rng.choice(COUNTRIES),
    "world": lambda rng: rng.choice(WORLD),
    "competition": lambda rng: rng.choice(COMPETITIONS),
    "sport": lambda rng: rng.choice(SPORTS),
    "company": lambda rng: rng.choice(COMPANIES),
    "startup": lambda rng: rng.choice(STARTUPS),
    "artist": lambda rng: rng.choice(ARTISTS),
    "film": lambda rng: rng.choice(FILMS),
    "science": lambda rng: rng.choice(SCIENCE_TOPICS),
    "month": lambda rng: rng.choice(MONTHS),
    "day": lambda rng: rng.choice(DAYS),
    "win": _win,
    "narrow_win": lambda rng: rng.choice(["1-0", "2-1", "3-2"]),
    "draw": lambda rng: rng.choice(["0-0", "1-1", "1-1", "2-2"]),
    "n": lambda rng: str(rng.randint(3, 48)),
    "big": lambda rng: f"{rng.randint(1, 99) * 100 + rng.randint(0, 99):,}",
    "pct": lambda rng: f"{rng.randint(2, 38)}.{rng.randint(0, 9)}",
    "naira_bn": lambda rng: f"N{rng.randint(2, 950)}bn",
    "rate": lambda rng: f"N{rng.randint(1380, 1720):,}",
    "year": lambda rng: str(rng.choice([2025, 2026])),
    "next_year": lambda rng: str(rng.choice([2026, 2027])),
}

HEADLINES = {
    "news": [
        "{n} killed as {issue} protest turns violent in {city}",
        "{state} government imposes curfew after clashes in {city}",
        "{group} in {city} count losses as {issue} worsens",
        "Police rescue {n} kidnapped {group} in {state}",
        "{enforcer} raids {city} warehouse, seizes goods worth {naira_bn}",
        "Flood displaces {big} residents in {state} communities",
        "{state} residents lament {issue} as rainy season begins",
        "Tanker explosion: {n} dead on {city} highway",
        "Gunmen abduct {n} {group} in {state}, demand ransom",
        "{city} residents protest {issue}, block major road",
        "Fire guts {city} market, {group} count losses",
        "Building collapse in {city}: {n} rescued, others trapped",
        "{state} begins demolition of illegal structures in {city}",
        "Army clears bandits' camps in {state}, frees {n} hostages",
        "{agency} warns {group} in {state} over {issue}",
        "Boat mishap: {n} missing in {state} river",
    ],
    "politics": [
        "{party} crisis deepens as {state} faction suspends chairman",
        "Tinubu meets {state} governor over {issue}",
        "Senate passes {policy} bill after heated debate",
        "{party} lawmakers defect in {state}, shift Assembly majority",
        "Reps summon {official} over {policy}",
        "{state} Assembly impeaches deputy governor over {issue}",
        "Governors back {policy}, demand more for states",
        "{official} defends {policy} before Senate committee",
        "{party} zones 2027 presidential ticket, {state} stakeholders object",
        "{person} dumps {party}, cites {issue} in {state}",
        "{state} governor signs {naira_bn} budget for {year}",
        "Opposition coalition courts {state} leaders ahead of 2027",
        "Presidency replies {party} over {policy}",
        "{state} lawmakers reject {policy}, call for public hearing",
    ],
    "elections": [
        "INEC fixes date for {state} governorship election",
        "{state} poll: {party} candidate leads in {n} local governments",
        "INEC registers {big} new voters in {state}",
        "2027 race: {party} screens {n} aspirants in {city}",
        "Vote buying: {anti_graft} arrests {n} agents in {state}",
        "INEC distributes sensitive materials to {state} LGAs",
        "{state} rerun: observers report low turnout in {city}",
        "Tribunal orders fresh poll in {n} units in {state}",
        "{party} primary in {state} ends in walkout",
        "Youths in {state} mobilise for voter registration",
    ],
    "judiciary": [
        "Supreme Court reserves judgment in {state} governorship appeal",
        "Court remands {person} over {naira_bn} fraud",
        "Appeal Court upholds election of {state} senator",
        "{anti_graft} arraigns ex-{official} on {n} counts",
        "Judge adjourns {state} land dispute case to {month}",
        "Court orders release of {n} detained {group} in {state}",
        "Chief Justice swears in {n} new judges",
        "Tribunal sacks {party} lawmaker in {state}",
        "Court bars {state} government from demolishing {city} market",
        "{person} granted bail in {naira_bn} money laundering trial",
        "Federal High Court restrains {agency} over {policy}",
        "NJC suspends {state} judge over misconduct",
    ],
    "education": [
        "ASUU threatens strike over {issue}",
        "JAMB releases results, {big} candidates score above 200",
        "WAEC withholds results of {big} candidates in {state}",
        "{state} recruits {big} teachers for public schools",
        "Students protest {issue} at {state} university",
        "{state} government pays {n} months of arrears to teachers",
        "{big} pupils return to school in {state} after {issue}",
        "Student loan scheme: {big} apply in {state}",
        "{state} opens {n} new schools in {city}",
        "NUC approves {n} new private universities",
        "Exam malpractice: {n} schools blacklisted in {state}",
        "Lecturers in {state} begin indefinite strike over {issue}",
    ],
    "international": [
        "Nigeria, {world} sign {naira_bn} trade deal",
        "Tinubu heads to {world} for investment talks",
        "{world} announces new visa rules for Nigerians",
        "Nigerians in {world} protest {issue}",
        "{world} pledges support for {policy}",
        "Nigerian stranded in {world} returns home after {n} months",
        "{world} election: what the result means for Nigeria",
        "Oil prices climb as {world} cuts output",
        "Nigeria recalls envoy from {world} over {issue}",
        "{world} deports {n} Nigerians over visa violations",
    ],
    "africa": [
        "{country} votes in tense presidential election",
        "ECOWAS leaders meet over {country} transition",
        "{country} reopens border with Nigeria after {n} months",
        "{n} dead as floods hit {country}",
        "AU summit: leaders back {policy}",
        "{country} and Nigeria sign gas pipeline deal",
        "Protesters in {country} demand end to {issue}",
        "{country} declares emergency over {science}",
        "{country} central bank raises rates to fight inflation",
        "Nigerian traders in {country} count losses after {issue}",
    ],
    "sports": [
        "Super Eagles beat {country} {win} in {competition}",
        "Super Falcons edge {country} {narrow_win} in {competition}",
        "{club} hold {club2} {draw} in {city}",
        "{person} scores twice as {euro_club} win",
        "Super Eagles coach names {n}-man squad for {competition}",
        "{person} wins gold in {sport} at African Games",
        "NPFL: {club} extend lead with {win} win over {club2}",
        "{euro_club} complete signing of Nigerian forward {person}",
        "{state} to host national sports festival in {next_year}",
        "D'Tigress thrash {country} in AfroBasket opener",
        "{person} breaks national record in {sport}",
        "{club} sack coach after {win} defeat to {club2}",
        "Flying Eagles pip {country} {narrow_win} to reach final",
        "{person} named man of the match as {euro_club} draw",
    ],
    "business": [
        "Naira falls to {rate}/$ at official window",
        "Naira firms to {rate}/$ as CBN intervenes",
        "Inflation eases to {pct}% in {month}, says NBS",
        "Inflation rises to {pct}% on food prices",
        "{company} posts {naira_bn} half-year profit",
        "CBN holds interest rate at {pct}%",
        "Petrol price rises to N{big} per litre in {city}",
        "{company} to raise {naira_bn} on the stock exchange",
        "Stock market gains {naira_bn} as {company} rallies",
        "FIRS collects {naira_bn} in {month}",
        "{group} in {city} decry {issue}",
        "{company} expands into {country}",
        "Diesel price drops to N{big}, says {company}",
        "{company} refinery cuts petrol price to N{big}",
    ],
    "entertainment": [
        "{artist} sells out O2 Arena show",
        "{film} tops Nigerian box office with {naira_bn}",
        "{artist} drops new album, fans react",
        "Nollywood actor {person} dies at {n}",
        "{film} picked for festival in {world}",
        "{artist} and {person} announce wedding in {city}",
        "{artist} wins big at the Headies",
        "Streaming: {film} breaks record in first week",
        "{artist} to headline {city} festival in {month}",
        "{person} cast in {film} sequel",
    ],
    "tech": [
        "{startup} raises ${n}m to expand into {country}",
        "NCC approves {pct}% rise in data tariffs",
        "{startup} lays off {n} staff in restructuring",
        "Lagos to deploy {big} CCTV cameras in {month}",
        "{startup} launches in {country}",
        "Telecom operators record {big} new subscribers in {month}",
        "Fintech fraud: {anti_graft} arrests {n} suspects",
        "{startup} founder {person} on building for Africa",
        "Satellite internet subscriptions rise {pct}% in Nigeria",
        "{state} signs deal to lay {big}km of fibre",
    ],
    "science": [
        "{science}: researchers in {city} report breakthrough",
        "NCDC confirms {n} new cases of {science} in {state}",
        "Study links {issue} to rising {science} cases",
        "{state} launches campaign against {science}",
        "NiMet predicts early rains in {n} states",
        "Scientists map {science} across {state}",
        "{n} doctors trained on {science} in {city}",
        "{science} trial begins in {n} Nigerian hospitals",
    ],
    "opinion": [
        "The trouble with {policy}",
        "Why {issue} in {state} should worry us all",
        "{policy}: a reform worth defending",
        "Letter to the {official} on {issue}",
        "What {state} can teach the rest of Nigeria about {issue}",
        "Before 2027, fix {issue}",
        "{policy} and the cost of doing nothing",
        "Is {policy} working? The numbers say otherwise",
        "The {official} must act on {issue}",
        "In defence of {group}",
        "{issue}: we have been here before",
        "{group}, {policy} and the price of bread",
    ],
    "interview": [
        "{person}: 'We will end {issue} in {state}'",
        "Interview: {official} on {policy}",
        "{person}: 'Nobody listens to {group} until they protest'",
        "{artist}: 'Music saved me in {city}'",
        "{person}, {startup} founder: 'Africa is not a charity case'",
        "{person}: 'I left {party} because of {issue}'",
        "Coach {person}: 'We can beat {country}'",
        "{person}: 'Our {group} deserve better'",
    ],
    "profile": [
        "{person}: the {city} trader who became a senator",
        "{person}, the judge who never adjourns",
        "From {city} to {world}: the rise of {person}",
        "{person}: teacher, mother, mayor",
        "The quiet power of {person}",
        "{person} at {n}: a life in {sport}",
    ],
    "pictures": [
        "In pictures: {group} of {city}",
        "Picture of the month: {issue} in {state}",
        "Lens Speak: a day with {group} in {city}",
        "In pictures: {city} after the rains",
        "Photo essay: {issue} in {state}",
        "In pictures: {state} celebrates",
    ],
    "feature": [
        "Inside {state}'s fight against {issue}",
        "The {group} of {city}: a special report",
        "How {policy} changed life in {city}",
        "Long read: {issue}, {n} years on",
        "Investigation: where did {state}'s {naira_bn} go?",
        "The hidden cost of {issue} in {state}",
        "Special project: {group} and the {year} economy",
        "Behind the scenes at {company}",
    ],
    "video": [
        "Watch: {issue} in {city}",
        "Video: {official} explains {policy}",
        "Watch: {group} speak on {issue}",
        "Explainer: what {policy} means for you",
        "Video: highlights as {club} beat {club2} {win}",
        "Watch: inside {company}",
        "Video: {artist} performs live in {city}",
    ],
}

STANDFIRSTS = {
    "news": [
        "Residents of {city} say {issue} has worsened since {month}, and officials promise action within days.",
        "The {state} police command said {n} suspects had been arrested and investigations were continuing.",
        "Witnesses told Newsroom the trouble began on {day} morning; {role} appealed for calm.",
    ],
    "politics": [
        "The move is the latest twist in a row that has split the {party} in {state} since {month}.",
        "Lawmakers say {policy} will be reviewed before the end of {month}; critics say it cannot wait.",
        "{person}, {role}, said the decision was taken 'in the interest of the people of {state}'.",
    ],
    "business": [
        "Analysts say {policy} and {issue} will keep prices under pressure until at least {month}.",
        "The figures, released on {day}, show the sharpest change since {month} last year.",
        "Traders in {city} say customers are buying less as costs rise.",
    ],
    "sports": [
        "The result leaves the coach with plenty to think about before the next {competition}.",
        "{person} was the difference on a humid evening in {city}.",
        "Supporters in {city} celebrated late into the night.",
    ],
    "opinion": [
        "We keep making the same mistake with {policy}, and {group} keep paying for it.",
        "{state} shows that {issue} is a choice, not a fate. The rest of the country should pay attention.",
        "Nobody in {city} needs another committee. They need results before {month}.",
    ],
}
GENERIC_STANDFIRSTS = [
    "{person}, {role}, told Newsroom that {issue} had become impossible to ignore in {state}.",
    "Officials in {city} say a decision is expected before the end of {month}.",
    "The announcement came on {day} after weeks of pressure from {group} in {state}.",
    "What happened, why it matters, and what comes next for {group} in {city}.",
]

SENTENCES = [
    "{person}, {role}, said the situation in {city} had become untenable.",
    "Residents of {city} told Newsroom that {issue} had grown worse since {month}.",
    "The {agency} said in a statement on {day} that it was monitoring developments.",
    "{group} in {state} say they have heard such promises before.",
    "According to figures from the NBS, prices in {city} rose {pct}% in {month} alone.",
    "The {official} is expected to address the matter when the council meets next {day}.",
    "{person} said the {party} would not be intimidated.",
    "At least {n} people were affected, according to local officials.",
    "Critics say {policy} has done little to ease the pressure on {group}.",
    "Supporters of {policy} argue that the benefits will take time to show.",
    "A spokesperson for the {state} government declined to comment.",
    "The last time this happened, in {month}, it took {n} days to restore normal activity.",
    "{person}, who has lived in {city} for {n} years, described the mood as tense but hopeful.",
    "Economists warn that {issue} could cost the state up to {naira_bn} a year.",
    "Community leaders in {state} have called for an independent inquiry.",
    "{group} gathered outside the secretariat in {city} on {day}, carrying placards.",
    "The {agency} has opened an investigation, its spokesperson confirmed.",
    "Sources close to the {official} say a decision could come within weeks.",
    "By evening, traffic in parts of {city} had returned to normal.",
    "{person} urged {group} to remain calm and law-abiding.",
    "The federal government has promised {naira_bn} in support, but none has yet been released.",
    "Officials in {state} have recorded {n} similar incidents this year.",
]

PULL_QUOTES = [
    ("We will not rest until every child in {state} is back in a classroom.", "{person}, {role}"),
    ("Nobody asked the {group} what they needed. That is the whole problem.", "{person}"),
    ("This is not about politics. It is about whether people in {city} can eat.", "{person}, {role}"),
    ("The law is clear, and the court will follow it.", "{person}, senior advocate"),
    ("We have heard the promises. Now we want to see the money.", "A trader in {city}"),
    ("If we get {policy} right, the next generation will thank us.", "The {official}"),
    ("My shop was all I had.", "{person}, trader"),
]

FACT_BOXES = [
    ("Key facts", ["{state} has {n} local government areas", "{big} people affected", "{naira_bn} budgeted"]),
    ("What we know", ["It began on {day}", "{n} suspects are in custody", "The {agency} is investigating"]),
    ("Timeline", ["{month}: {policy} announced", "{day}: {group} protest in {city}", "Next: a ruling in {month}"]),
    ("By the numbers", ["{pct}% inflation in {month}", "{big} jobs at stake", "{naira_bn} in unpaid claims"]),
]

HEADINGS = [
    "What happened",
    "What happens next",
    "Why it matters",
    "The background",
    "What the {agency} says",
    "Reactions in {city}",
    "The numbers",
    "A familiar pattern",
    "The view from {state}",
]

LINK_TARGETS = [
    "https://www.inecnigeria.org/",
    "https://www.cbn.gov.ng/",
    "https://nigerianstat.gov.ng/",
    "https://www.nass.gov.ng/",
    "https://ncdc.gov.ng/",
]

GALLERY_TITLES = ["In pictures", "Scenes from {city}", "The day in pictures", "How it unfolded"]
RELATED_TITLES = ["Related stories", "Read more", "Also on this story"]
BYLINE_OVERRIDES = ["By our Correspondent", "By Newsroom staff", "From our {city} bureau"]


class _Slots(dict):
    """Fills each template slot on first use and keeps it, so a headline, its standfirst and its body agree."""

    def __init__(self, rng):
        super().__init__()
        self.rng = rng

    def __missing__(self, key):
        if key == "city" and "state" in self:
            value = self.rng.choice(STATE_CITIES[self["state"]])
        elif key == "state" and CITY_STATE.get(self.get("city")):
            value = CITY_STATE[self["city"]]
        else:
            value = SLOT_FILLERS[key](self.rng)
        self[key] = value
        return value


class Story:
    """The copy of one article. `slots` carries over from the headline into everything else."""

    def __init__(self, rng, topic):
        self.rng = rng
        self.topic = topic
        self.slots = _Slots(rng)

    def fill(self, template):
        return template.format_map(self.slots)

    def headline(self):
        text = self.fill(self.rng.choice(HEADLINES[self.topic]))
        return text[0].upper() + text[1:]

    def standfirst(self):
        pool = STANDFIRSTS.get(self.topic, []) + GENERIC_STANDFIRSTS
        text = self.fill(self.rng.choice(pool))
        if len(text) > 300:
            text = text[:297].rsplit(" ", 1)[0] + "…"
        return text

    def sentence(self):
        return self.fill(self.rng.choice(SENTENCES))

    def paragraph(self):
        """Rich text for a ParagraphBlock: two to four sentences, with the odd bold phrase or link."""
        sentences = [self.sentence() for _ in range(self.rng.randint(2, 4))]
        roll = self.rng.random()
        if roll < 0.08:
            sentences[0] = f'<a href="{self.rng.choice(LINK_TARGETS)}">{sentences[0]}</a>'
        elif roll < 0.14:
            sentences[-1] = f"<b>{sentences[-1]}</b>"
        elif roll < 0.18:
            sentences[-1] = f"<i>{sentences[-1]}</i>"
        return "<p>" + " ".join(sentences) + "</p>"

    def heading(self):
        return self.fill(self.rng.choice(HEADINGS))

    def pull_quote(self):
        text, attribution = self.rng.choice(PULL_QUOTES)
        return self.fill(text), self.fill(attribution)

    def fact_box(self):
        title, items = self.rng.choice(FACT_BOXES)
        return title, "<ul>" + "".join(f"<li>{self.fill(item)}</li>" for item in items) + "</ul>"

    def table(self):
        """A TypedTableBlock value in its stored form: columns, rows of values, caption."""
        states = self.rng.sample(STATES, self.rng.randint(3, 6))
        if self.rng.random() < 0.5:
            columns = [("text", "State"), ("number", "Votes cast"), ("number", "Turnout (%)")]
            rows = [
                [state, str(self.rng.randint(150_000, 2_500_000)), f"{self.rng.uniform(18, 45):.1f}"]
                for state in states
            ]
            caption = "Results by state (provisional)"
        else:
            columns = [("text", "State"), ("number", "Allocation (N bn)"), ("rich_text", "Note")]
            rows = [
                [state, f"{self.rng.uniform(40, 620):.2f}", f"<p>{self.rng.choice(['Up', 'Down', '<b>New</b>'])}</p>"]
                for state in states
            ]
            caption = f"Federation Account allocations, {self.fill('{month}')}"
        return {
            "columns": [{"type": kind, "heading": heading} for kind, heading in columns],
            "rows": [{"values": row} for row in rows],
            "caption": caption,
        }

    def caption(self):
        return self.fill(self.rng.choice(["{group} in {city} on {day}", "A scene in {city}", "{person} in {city}"]))


def author_bio(name, role):
    first = name.split()[0]
    email = f"{first.lower()}@example.com"
    role_article = "an" if role[0].lower() in "aeiou" else "a"
    return AUTHOR_BIO.format(
        name=name, role_article=role_article, role_lower=role.lower(), first=first, email=email, city="Lagos"
    )


def budget_csv():
    lines = ["sector,allocation_naira_bn,share_percent"]
    sectors = [("Defence", 3250), ("Infrastructure", 2950), ("Education", 2180), ("Health", 1590), ("Agriculture", 820)]
    total = sum(amount for _, amount in sectors)
    lines += [f"{sector},{amount},{amount * 100 / total:.1f}" for sector, amount in sectors]
    return "\n".join(lines) + "\n"


def election_timetable():
    return (
        "Election timetable (demo data)\n\n"
        "Party primaries: April to May\n"
        "Submission of nomination forms: June\n"
        "Campaigns open: September\n"
        "Presidential and National Assembly elections: February, third Saturday\n"
        "Governorship and State Assembly elections: March, second Saturday\n"
    )
