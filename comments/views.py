"""Reader endpoints: posting a comment, reporting one, a fresh form token, comment counts for cards.

CSRF: articles are served from the page cache, so a per-session CSRF token
cannot be in the form. These endpoints are csrf_exempt because they act with
no one's authority: a comment post or report ignores any session or login
(an editor replies from the admin, behind Django's CSRF check), so a forged
cross-site request can do nothing a spammer could not do directly. What
guards them instead: `core.beacon.cross_site_refusal` (403 for a browser
request another site sent, by Sec-Fetch-Site or Origin), the signed form
token (right article, minimum time on the page, 24 h at most), the honeypot,
the rate limits per address and per email, and moderation.
"""

import hashlib

from django.core.cache import cache
from django.db.models import F
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comments import posting
from comments.models import Comment, ip_hash
from comments.policy import settings_for
from comments.rendering import counts
from core import beacon, cache_headers, marks, visitors
from core.counters import CountersUnavailable, guarded
from news.models import ArticlePage

REPORT_SECONDS = 60 * 60 * 24 * 30
MAX_COUNT_IDS = 100


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _json(data, status=200):
    return cache_headers.private(JsonResponse(data, status=status))


def _live_article(article_id):
    article = ArticlePage.objects.live().public().filter(pk=article_id).first()
    if article is None:
        raise Http404("No such story.")
    return article


def _back(article, flag, anchor="comments"):
    # Only ever the article's own URL: no open redirect. The flag picks one of a few fixed messages,
    # shown outside the cached comment block, so a cached page never shows one reader's message to another.
    return HttpResponseRedirect(f"{article.url}?comment={flag}#{anchor}")


@csrf_exempt  # see the module docstring
@require_POST
def post_comment(request, article_id):
    article = _live_article(article_id)
    refusal = beacon.cross_site_refusal(request)
    if refusal is not None:
        return refusal
    try:
        outcome = posting.submit(request, article, request.POST)
    except posting.Refused as refused:
        if wants_json(request):
            return _json({"error": refused.message, "field": refused.field}, status=refused.status)
        form = posting.CommentForm(request.POST)
        form.is_valid()
        response = render(
            request,
            "comments/post_error.html",
            {
                "article": article,
                "form": form,
                "error": refused.message,
                "field": refused.field,
                "token": posting.form_token(article.pk),
            },
            status=refused.status,
        )
        return cache_headers.private(response)
    comment = outcome.comment
    published = comment.status == Comment.Status.APPROVED
    if wants_json(request):
        data = {"status": comment.status, "message": outcome.message}
        return _json(data, status=201)
    return _back(article, "published" if published else "pending")


@csrf_exempt  # see the module docstring
@require_POST
def report_comment(request, comment_id):
    approved = Comment.objects.select_related("article").filter(status=Comment.Status.APPROVED)
    comment = get_object_or_404(approved, pk=comment_id)
    refusal = beacon.cross_site_refusal(request)
    if refusal is not None:
        return refusal
    message = "Thank you: a moderator will look at this comment."
    # Once per reader (address block) and comment; bots are thanked and not counted.
    counted = False
    if not visitors.is_bot(request):
        try:
            with guarded():
                counted = marks.add(f"newsroom:comment-report:{comment.pk}:{ip_hash(request)}", REPORT_SECONDS)
        except CountersUnavailable:
            counted = False
    if counted:
        threshold = settings_for(comment.article, request).report_threshold
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
        # Into the Reported queue at the threshold; it stays visible until a moderator decides.
        Comment.objects.filter(pk=comment.pk, report_count__gte=threshold, reported=False).update(reported=True)
    if wants_json(request):
        return _json({"message": message})
    article = comment.article
    return _back(article, "reported", anchor=f"comment-{comment.pk}")


@require_GET
def form_token(request, article_id):
    """A token issued now, so the minimum time on the page counts from this load, not from the cached page's."""
    return _json({"token": posting.form_token(article_id)})


@require_GET
def comment_counts(request):
    """{"<article id>": approved comments} for up to 100 ids (article cards); cacheable for a minute."""
    raw = request.GET.get("ids", "")
    try:
        ids = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        return _json({"error": "ids must be article ids separated by commas."}, status=400)
    if len(ids) > MAX_COUNT_IDS:
        return _json({"error": f"At most {MAX_COUNT_IDS} ids."}, status=400)
    # Every reader of a listing asks for the same ids: one query per list and 30 s, whatever the traffic.
    key = "newsroom:comment-counts:" + hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = counts(ids) if ids else {}
        cache.set(key, found, 30)
    response = JsonResponse({str(pk): found.get(pk, 0) for pk in ids})
    return cache_headers.public(response, s_maxage=60, stale_while_revalidate=60)
