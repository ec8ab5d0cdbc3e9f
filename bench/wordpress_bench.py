"""import_wordpress on a generated export: N posts (default 10,000) with realistic bodies and media on disk.

Prints `import_wordpress: posts=N s= rss_mb=` for the first run, a re-run line
(nothing created) and, as the baseline measured in the same run, the time to
only read the file (`wxr.read`), so the import is reported as a ratio to it.
Run by `make bench`, or alone: `python bench/wordpress_bench.py --posts 500`.
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, bench_env, ensure_database, manage, record

DATABASE = "newsroom_bench_wordpress"
WORDS = (
    "the minister said on tuesday that budget federal state lagos abuja election commission voters market prices "
    "fuel subsidy naira exchange rate governor assembly court ruling appeal security police farmers harvest rain "
    "flood schools teachers strike union hospital doctors vaccine traffic bridge road rail port exports oil gas"
).split()


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def body(rng, post_id, image_ids):
    image = rng.choice(image_ids)
    if post_id % 2:
        parts = [paragraph(rng) + "\n" + sentence(rng)]
        parts.append(
            f'[caption id="attachment_{image}" width="600"]<img class="wp-image-{image}" '
            f'src="https://old.example.com/wp-content/uploads/2024/01/photo-{image}-600x400.jpg" alt="A photo" /> '
            f"{sentence(rng)}[/caption]"
        )
        parts += [paragraph(rng) for _ in range(rng.randint(3, 8))]
        if post_id % 5 == 0:
            parts.append("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
        if post_id % 7 == 0:
            parts.append(f'[gallery ids="{image},{rng.choice(image_ids)}"]')
        parts.append("<h2>What next</h2>")
        parts.append("<ul><li>" + sentence(rng) + "</li><li>" + sentence(rng) + "</li></ul>")
        return "\n\n".join(parts)
    blocks = [
        f"<!-- wp:paragraph -->\n<p>{paragraph(rng)}</p>\n<!-- /wp:paragraph -->" for _ in range(rng.randint(3, 8))
    ]
    blocks.insert(
        1,
        f'<!-- wp:image {{"id":{image}}} -->\n<figure class="wp-block-image"><img src="https://old.example.com/'
        f'wp-content/uploads/2024/01/photo-{image}.jpg" alt="A photo" class="wp-image-{image}"/>'
        f"<figcaption>{sentence(rng)}</figcaption></figure>\n<!-- /wp:image -->",
    )
    blocks.append(f"<!-- wp:heading -->\n<h2>{sentence(rng)}</h2>\n<!-- /wp:heading -->")
    blocks.append(
        f"<!-- wp:quote -->\n<blockquote><p>{sentence(rng)}</p><cite>A source</cite></blockquote>\n<!-- /wp:quote -->"
    )
    return "\n\n".join(blocks)


def generate(path, media_dir, posts, seed=1):
    from PIL import Image

    rng = random.Random(seed)
    images = max(10, posts // 20)
    image_ids = list(range(1, images + 1))
    folder = media_dir / "2024" / "01"
    folder.mkdir(parents=True, exist_ok=True)
    for image in image_ids:
        Image.new("RGB", (600, 400), (image * 37 % 255, image * 91 % 255, image * 53 % 255)).save(
            folder / f"photo-{image}.jpg", quality=70
        )
    categories = ["news", "politics", "business", "sports", "world"]
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        )
        for n in range(5):
            out.write(
                f"<wp:author><wp:author_id>{n + 1}</wp:author_id><wp:author_login>reporter{n}</wp:author_login>"
                f"<wp:author_display_name><![CDATA[Reporter {n}]]></wp:author_display_name></wp:author>\n"
            )
        for n, slug in enumerate(categories):
            out.write(
                f"<wp:category><wp:term_id>{n + 1}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:category_parent></wp:category_parent><wp:cat_name>{slug.title()}</wp:cat_name></wp:category>\n"
            )
        for image in image_ids:
            out.write(
                f"<item><title>Photo {image}</title><link>https://old.example.com/photo-{image}/</link>"
                f"<wp:post_id>{image}</wp:post_id><wp:post_modified_gmt>2024-01-01 00:00:00</wp:post_modified_gmt>"
                "<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
                "<wp:post_mime_type>image/jpeg</wp:post_mime_type>"
                f"<wp:attachment_url>https://old.example.com/wp-content/uploads/2024/01/photo-{image}.jpg"
                "</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
                f"<wp:meta_value>2024/01/photo-{image}.jpg</wp:meta_value></wp:postmeta></item>\n"
            )
        for n in range(posts):
            post_id = 100_000 + n
            day = 1 + n % 28
            title = sentence(rng)[:-1]
            tags = "".join(
                f'<category domain="post_tag" nicename="topic-{t}"><![CDATA[Topic {t}]]></category>'
                for t in rng.sample(range(200), 3)
            )
            category = categories[n % len(categories)]
            out.write(
                f"<item><title><![CDATA[{title}]]></title>"
                f"<link>https://old.example.com/2024/01/{day:02d}/story-{post_id}/</link>"
                f"<dc:creator>reporter{n % 5}</dc:creator>"
                f"<content:encoded><![CDATA[{body(rng, post_id, image_ids)}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[{sentence(rng)}]]></excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id>"
                f"<wp:post_date_gmt>2024-01-{day:02d} 08:00:00</wp:post_date_gmt>"
                f"<wp:post_modified_gmt>2024-01-{day:02d} 09:00:00</wp:post_modified_gmt>"
                f"<wp:post_name>story-{post_id}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="{category}"><![CDATA[{category.title()}]]></category>{tags}'
                f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{rng.choice(image_ids)}</wp:meta_value></wp:postmeta></item>\n"
            )
        out.write("</channel>\n</rss>\n")


def timed(command, env):
    """Run a command; (seconds, peak RSS in MB of that child)."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = __import__("os").wait4(process.pid, 0)
    if status:
        raise SystemExit(f"{command[2]} failed with status {status}")
    return time.monotonic() - started, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()

    ensure_database(DATABASE, fresh=True)
    env = bench_env(DATABASE, LOG_LEVEL="WARNING", NEWSROOM_SCHEDULE_TASKS="0")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("bootstrap_site", "--no-superuser", env=env)
    with tempfile.TemporaryDirectory(prefix="wp-bench-") as scratch:
        scratch = Path(scratch)
        export, uploads, report = scratch / "export.xml", scratch / "uploads", scratch / "report.json"
        generate(export, uploads, args.posts)
        size_mb = export.stat().st_size / 1e6
        read_s, read_rss = timed(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); from wordpress import wxr; "
             f"sum(1 for _ in wxr.read({str(export)!r}))"],
            env,
        )  # fmt: skip
        command = [sys.executable, "manage.py", "import_wordpress", str(export), "--media-dir", str(uploads)]
        first_s, first_rss = timed([*command, "--report", str(report)], env)
        first = json.loads(report.read_text())
        again_s, again_rss = timed([*command, "--report", str(report)], env)
        again = json.loads(report.read_text())
    created = first["created"].get("articles", 0)
    print(f"wxr read only (baseline): posts={args.posts} file_mb={size_mb:.1f} s={read_s:.1f} rss_mb={read_rss:.0f}")
    print(
        f"import_wordpress: posts={args.posts} s={first_s:.1f} rss_mb={first_rss:.0f} created={created} "
        f"posts_per_s={args.posts / first_s:.1f} ratio_to_read={first_s / read_s:.0f}x"
    )
    print(
        f"import_wordpress re-run: posts={args.posts} s={again_s:.1f} rss_mb={again_rss:.0f} "
        f"created={sum(again['created'].values())} unchanged={again['unchanged'].get('articles', 0)}"
    )
    record(
        "wordpress import",
        {
            "posts": args.posts,
            "file_mb": round(size_mb, 1),
            "read_s": round(read_s, 2),
            "import_s": round(first_s, 2),
            "import_rss_mb": round(first_rss),
            "rerun_s": round(again_s, 2),
            "rerun_created": sum(again["created"].values()),
        },
    )
    if created != args.posts or sum(again["created"].values()):
        raise SystemExit("import_wordpress did not create every post once")


if __name__ == "__main__":
    main()
