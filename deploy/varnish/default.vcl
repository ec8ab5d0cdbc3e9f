vcl 4.1;
# Newsroom's edge cache (Varnish 7). README "Running in production", "Edge cache".
#
# What our app says decides what is kept: a response is cached only when its
# Cache-Control is `public` (core/cache_headers.py: pages s-maxage 300,
# stale-while-revalidate 60, stale-if-error 6 h) and it sets no cookie.
# Everything personal (editors, the admin, previews, a page behind a password)
# is `private, no-store` and passes.
#
# The tests (tests/test_varnish.py) and the bench (bench/edge_bench.py) run this
# file as it is, with only the backend's host and port and the ACL replaced.

import std;
import cookie;

# The web node(s). One gunicorn; with several, list them here (and in a director).
backend web {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}

# The same node, probed on /health/live/ (200 while it can render a page, 503 when its
# database is gone). Used only to choose how stale a page may be served (vcl_recv):
# a probe that fails under load then serves stale pages longer, and never refuses a fetch.
# Sick after 3 failures in the last 5 probes, 2 s apart.
backend web_probe {
    .host = "web";
    .port = "8000";
    .probe = {
        .url = "/health/live/";
        .timeout = 5s;
        .interval = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may PURGE or BAN: the application's addresses (web nodes and workers, which
# publish), never a reader. Not whole private ranges: behind a load balancer every
# reader arrives from a private address. The compose stack's network
# (STACK_SUBNET, 172.28.0.0/24 by default) holds the app containers, but readers
# coming in through the published port appear from its gateway (.1), so that one
# address is refused (the most specific entry wins). Put your web and worker
# nodes' addresses here in production.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.28.0.0"/24;
    ! "172.28.0.1";
}

sub vcl_recv {
    # Purges: PURGE <path> removes every cached variant of that path on that host
    # (any query string: ?page=2 with the section); BAN with X-Ban-Path-Regex removes
    # a family of paths. Lurker-friendly bans on obj.http.*, so nothing piles up.
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "PURGE") {
            ban("obj.http.X-Edge-Host == " + req.http.host + " && obj.http.X-Edge-Path == " + regsub(req.url, "\?.*$", ""));
            return (synth(200, "Purged"));
        }
        if (!req.http.X-Ban-Path-Regex) {
            return (synth(400, "X-Ban-Path-Regex required"));
        }
        ban("obj.http.X-Edge-Host == " + req.http.host + " && obj.http.X-Edge-Path ~ " + req.http.X-Ban-Path-Regex);
        return (synth(200, "Banned"));
    }

    # Set only by this VCL on a restart (vcl_synth); never trusted from a client.
    if (req.restarts == 0) {
        unset req.http.X-Edge-Stale-If-Error;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # POSTs: beacons, the password form, the admin, search suggestions.
        return (pass);
    }

    # The admin (previews and drafts live under it too), beacons, clicks, documents
    # (private ones behind Wagtail's serve view), health and the benchmarks' view.
    if (req.url ~ "^/(admin|api|documents|health|bench)/" || req.url ~ "^/ads/(i|c)/") {
        return (pass);
    }

    # An editor or a reader who passed a page's password: their own pages, never shared.
    if (req.http.Cookie) {
        cookie.parse(req.http.Cookie);
        if (cookie.isset("sessionid") || cookie.isset("csrftoken")) {
            cookie.keep("sessionid,csrftoken");
            set req.http.Cookie = cookie.get_string();
            return (pass);
        }
        # Anonymous: analytics and consent cookies change nothing the server renders.
        unset req.http.Cookie;
    }
    if (req.http.Authorization) {
        return (pass);
    }

    # Query strings: drop what never changes a page (settings
    # NEWSROOM_PAGE_CACHE_IGNORED_PARAMS), then sort, so a story shared with
    # trackers is one cached copy.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[^=&]*|fbclid|gclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid)(=[^&]*)?(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
        # Pages read only these (NEWSROOM_PAGE_CACHE_QUERY_PARAMS); search, its
        # suggestions and fragments read their own. Any other query on a page is
        # rendered but not stored: a crawler inventing queries cannot fill the cache.
        if (req.url !~ "^/(search|fragments)/" && req.url !~ "^[^?]*(\?(page|p)=[1-9][0-9]{0,5}(&(page|p)=[1-9][0-9]{0,5})?)?$") {
            return (pass);
        }
    }

    # Grace: while the backend is healthy, a stale page is served for at most
    # stale-while-revalidate (60 s) while one background fetch renews it; when it is
    # sick, for as long as the object's grace (stale-if-error, hours).
    set req.backend_hint = web;
    if (std.healthy(web_probe) && !req.http.X-Edge-Stale-If-Error) {
        set req.grace = 60s;
    }
    # Concurrent misses of one URL wait for one backend request (Varnish's default).
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    return (lookup);
}

sub vcl_backend_response {
    # What purges and bans match on (stripped before delivery).
    set beresp.http.X-Edge-Host = bereq.http.host;
    set beresp.http.X-Edge-Path = regsub(bereq.url, "\?.*$", "");

    # A failing backend does not replace what we have: a background fetch is
    # abandoned (the stale copy stays), a foreground one restarts into grace
    # (vcl_synth). On the restart the backend's own 5xx (our 503 page) is delivered.
    if (beresp.status >= 500 && (bereq.is_bgfetch || !bereq.http.X-Edge-Stale-If-Error)) {
        return (abandon);
    }

    # Cache only what the app says is public and shared.
    if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)"
            || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
            || beresp.http.Set-Cookie
            || beresp.status >= 500) {
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }

    # Long grace: stale-if-error from the app (hours), else 6 h. Varnish took
    # stale-while-revalidate as the grace; vcl_recv limits it to 60 s while healthy.
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 6h);
    } else {
        set beresp.grace = 6h;
    }

    # Compress text (Varnish stores it gzipped and unzips for the rare client without gzip).
    if (beresp.http.Content-Type ~ "^(text/|application/(json|xml|rss\+xml|atom\+xml|javascript)|image/svg)" && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    # No connection (backend down): same as a 5xx, restart into grace.
    if (bereq.is_bgfetch || !bereq.http.X-Edge-Stale-If-Error) {
        return (abandon);
    }
}

sub vcl_synth {
    # A foreground fetch failed: look again, accepting anything within its long grace.
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.X-Edge-Stale-If-Error = "1";
        return (restart);
    }
}

sub vcl_deliver {
    unset resp.http.X-Edge-Host;
    unset resp.http.X-Edge-Path;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
