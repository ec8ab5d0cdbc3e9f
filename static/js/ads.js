/* Ads: pick one creative per slot in the reader's browser, and count it once it has really been seen.

   The server renders every eligible creative of a slot as an inert <template>
   (weight, priority, device, flight times, a signed impression token), so
   rotation and flight end times still work when the page itself comes from a
   cache. An impression is sent once at least half of the ad has been on
   screen for one second without a break, with the tab visible; an ad hidden
   on this device (CSS, data-device) never intersects, so it is never counted. */
(function () {
    "use strict";

    var MOBILE_QUERY = "(max-width: 47.99rem)"; // the breakpoint of newsroom.css
    var VISIBLE_RATIO = 0.5;
    var VISIBLE_MS = 1000;
    var BEACON_URL = "/ads/i/";
    var STICKY_CLOSED = "newsroom:ads:sticky-closed";

    // Highest priority first; within it, at random in proportion to weight.
    function pick(candidates, random) {
        if (!candidates.length) return null;
        var top = -Infinity;
        candidates.forEach(function (candidate) { top = Math.max(top, candidate.priority); });
        var tier = candidates.filter(function (candidate) { return candidate.priority === top; });
        var total = tier.reduce(function (sum, candidate) { return sum + candidate.weight; }, 0);
        var roll = (random || Math.random)() * total;
        for (var i = 0; i < tier.length; i++) {
            roll -= tier[i].weight;
            if (roll < 0) return tier[i];
        }
        return tier[tier.length - 1];
    }

    function currentDevice() {
        return window.matchMedia(MOBILE_QUERY).matches ? "mobile" : "desktop";
    }

    function candidatesOf(slot, now, device) {
        var list = [];
        slot.querySelectorAll("template[data-ad-candidate]").forEach(function (template) {
            var candidate = {
                template: template,
                id: template.getAttribute("data-ad-candidate"),
                weight: parseFloat(template.getAttribute("data-weight")) || 0,
                priority: parseInt(template.getAttribute("data-priority"), 10) || 0,
                device: template.getAttribute("data-device") || "all",
                start: Number(template.getAttribute("data-start")) || 0,
                end: Number(template.getAttribute("data-end")) || Infinity,
                token: template.getAttribute("data-impression") || ""
            };
            // A cached page may outlive a flight: the browser checks the times again.
            var fits = candidate.device === "all" || candidate.device === device;
            if (fits && candidate.weight > 0 && candidate.start <= now && now < candidate.end) list.push(candidate);
        });
        return list;
    }

    function stickyClosed() {
        try { return window.sessionStorage.getItem(STICKY_CLOSED) === "1"; } catch (error) { return false; }
    }

    // Impressions: a timer per ad, armed while it is at least half visible in a visible tab.
    var watched = [];
    var observer = "IntersectionObserver" in window
        ? new IntersectionObserver(onIntersection, { threshold: [0, VISIBLE_RATIO, 1] })
        : null;

    function onIntersection(entries) {
        entries.forEach(function (entry) {
            entry.target.adVisible = entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO - 0.001;
            if (entry.target.adVisible) arm(entry.target); else disarm(entry.target);
        });
    }

    function arm(ad) {
        if (ad.adTimer || document.visibilityState !== "visible") return;
        ad.adTimer = window.setTimeout(function () {
            ad.adTimer = null;
            // display:none (another device's ad, a closed sticky bar) leaves no box to see.
            if (ad.adVisible && document.visibilityState === "visible" && ad.getClientRects().length) send(ad);
        }, VISIBLE_MS);
    }

    function disarm(ad) {
        if (ad.adTimer) window.clearTimeout(ad.adTimer);
        ad.adTimer = null;
    }

    function unwatch(ad) {
        disarm(ad);
        if (observer) observer.unobserve(ad);
        watched = watched.filter(function (other) { return other !== ad; });
    }

    function send(ad) {
        var token = ad.adToken;
        unwatch(ad);
        var body = new URLSearchParams({ token: token });
        if (navigator.sendBeacon && navigator.sendBeacon(BEACON_URL, body)) return;
        fetch(BEACON_URL, { method: "POST", body: body, keepalive: true, credentials: "omit" }).catch(function () {});
    }

    document.addEventListener("visibilitychange", function () {
        watched.forEach(function (ad) {
            if (document.visibilityState === "visible" && ad.adVisible) arm(ad); else disarm(ad);
        });
    });

    // Repeated slots (in-article) show different creatives while there are enough.
    var shownBySlot = {};

    function fill(slot) {
        var key = slot.getAttribute("data-ad-slot");
        if (key === "mobile_sticky" && stickyClosed()) {
            slot.hidden = true;
            return;
        }
        var options = candidatesOf(slot, Date.now(), currentDevice());
        var shown = shownBySlot[key] || (shownBySlot[key] = {});
        var unseen = options.filter(function (candidate) { return !shown[candidate.id]; });
        var chosen = pick(unseen.length ? unseen : options, Math.random);
        if (!chosen) {
            slot.hidden = true;
            return;
        }
        shown[chosen.id] = true;
        var box = slot.querySelector("[data-ad-box]");
        var sizer = box.querySelector(".ad-slot__sizer");
        box.textContent = "";
        if (sizer) box.appendChild(sizer);
        box.appendChild(document.importNode(chosen.template.content, true));
        slot.setAttribute("data-device", chosen.device);
        slot.setAttribute("data-ad-chosen", chosen.id);
        var ad = box.querySelector(".ad");
        if (ad && chosen.token && observer) {
            ad.adToken = chosen.token;
            watched.push(ad);
            observer.observe(ad);
        }
        var close = slot.querySelector("[data-ad-close]");
        if (close) {
            close.addEventListener("click", function () {
                slot.hidden = true;
                if (ad) unwatch(ad);
                try { window.sessionStorage.setItem(STICKY_CLOSED, "1"); } catch (error) { /* private mode */ }
            });
        }
    }

    function start() {
        document.querySelectorAll("[data-ad-slot]").forEach(fill);
    }

    window.NewsroomAds = { pick: pick };

    // A prerendered page the reader never opens must not count anything.
    if (document.prerendering) {
        document.addEventListener("prerenderingchange", start, { once: true });
    } else {
        start();
    }
})();
