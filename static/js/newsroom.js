/* Newsroom: menus, the search overlay and video facades. No dependencies, no third parties. */
(function () {
    "use strict";

    function setExpanded(button, target, open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        if (target) target.hidden = !open;
    }

    // Section menus: a click toggles; on wide screens hovering opens too.
    document.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
        var menu = document.getElementById(button.getAttribute("aria-controls"));
        var item = button.closest(".main-nav__item");
        var hoverOpens = item && window.matchMedia("(hover: hover) and (min-width: 64rem)").matches;
        button.addEventListener("click", function (event) {
            // A mouse click on a menu that hovering already opened keeps it open;
            // keyboard activation (detail 0) toggles as usual.
            if (hoverOpens && event.detail > 0 && item.matches(":hover")) {
                setExpanded(button, menu, true);
                return;
            }
            setExpanded(button, menu, button.getAttribute("aria-expanded") !== "true");
        });
        if (hoverOpens) {
            item.addEventListener("mouseenter", function () { setExpanded(button, menu, true); });
            item.addEventListener("mouseleave", function () { setExpanded(button, menu, false); });
        }
    });

    // The phone menu drawer.
    var navToggle = document.querySelector("[data-nav-toggle]");
    var nav = document.querySelector("[data-main-nav]");
    if (navToggle && nav) {
        // Without JavaScript it is a link to #main-nav (shown by :target); with it, a button.
        navToggle.setAttribute("role", "button");
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.addEventListener("click", function (event) {
            event.preventDefault();
            var open = !nav.classList.contains("is-open");
            nav.classList.toggle("is-open", open);
            navToggle.setAttribute("aria-expanded", open ? "true" : "false");
        });
    }

    // Search overlay: the header button or "/" opens it, Esc closes it.
    var overlay = document.querySelector("[data-search-overlay]");
    var openButton = document.querySelector("[data-search-open]");
    var lastFocus = null;
    function openSearch() {
        if (!overlay || !overlay.hidden) return;
        lastFocus = document.activeElement;
        overlay.hidden = false;
        if (openButton) openButton.setAttribute("aria-expanded", "true");
        var input = overlay.querySelector("input[name=q]");
        if (input) input.focus();
    }
    function closeSearch() {
        if (!overlay || overlay.hidden) return;
        overlay.hidden = true;
        if (openButton) openButton.setAttribute("aria-expanded", "false");
        if (lastFocus && lastFocus.focus) lastFocus.focus();
    }
    if (openButton) {
        // Without JavaScript it is a link to the search page; with it, a button that opens the overlay.
        openButton.setAttribute("role", "button");
        openButton.setAttribute("aria-expanded", "false");
        openButton.addEventListener("click", function (event) {
            event.preventDefault();
            openSearch();
        });
    }
    document.querySelectorAll("[data-search-close]").forEach(function (button) {
        button.addEventListener("click", closeSearch);
    });
    document.addEventListener("keydown", function (event) {
        var tag = (event.target && event.target.tagName) || "";
        var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable);
        if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
            event.preventDefault();
            openSearch();
        } else if (event.key === "Escape") {
            closeSearch();
            document.querySelectorAll("[data-menu-toggle][aria-expanded=true]").forEach(function (button) {
                var menu = document.getElementById(button.getAttribute("aria-controls"));
                // Focus inside the closing menu would be lost: it goes back to the menu's button.
                var hadFocus = menu && menu.contains(document.activeElement);
                setExpanded(button, menu, false);
                if (hadFocus) button.focus();
            });
        } else if (event.key === "Tab" && overlay && !overlay.hidden) {
            // The overlay is modal: Tab and Shift+Tab cycle through its own controls.
            var focusable = Array.prototype.filter.call(
                overlay.querySelectorAll("input, button, a[href], select, textarea, [tabindex]:not([tabindex='-1'])"),
                function (element) { return !element.disabled && element.offsetParent !== null; }
            );
            if (!focusable.length) return;
            var first = focusable[0], last = focusable[focusable.length - 1];
            var inside = overlay.contains(document.activeElement);
            if (event.shiftKey && (document.activeElement === first || !inside)) {
                event.preventDefault();
                last.focus();
            } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
                event.preventDefault();
                first.focus();
            }
        }
    });

    // Video facades: the provider's player loads only when the reader presses play.
    document.querySelectorAll("[data-embed-player]").forEach(function (figure) {
        var button = figure.querySelector("button");
        if (!button) return;
        button.addEventListener("click", function () {
            var iframe = document.createElement("iframe");
            iframe.src = figure.getAttribute("data-embed-player");
            iframe.title = button.textContent.replace(/\s+/g, " ").trim() || "Video";
            iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
            iframe.allowFullscreen = true;
            iframe.loading = "lazy";
            figure.replaceChild(iframe, button);
        });
    });
})();

/* Trending fragments and the view beacon. */
(function () {
    "use strict";

    // Fragments keep trending lists current on cached pages.
    document.querySelectorAll("[data-fragment]").forEach(function (slot) {
        fetch(slot.getAttribute("data-fragment"), { credentials: "omit" })
            .then(function (response) { return response.ok ? response.text() : ""; })
            .then(function (html) {
                var section = slot.closest("[data-fragment-section]");
                if (!html.trim()) {
                    if (section) section.hidden = true;
                    return;
                }
                slot.innerHTML = html;
                // Sections start hidden, so an empty list never shows a bare heading (nor without JavaScript).
                if (section) section.hidden = false;
                setUpTicker(slot.querySelector("[data-ticker]"));
            })
            .catch(function () {
                var section = slot.closest("[data-fragment-section]");
                if (section) section.hidden = true;
            });
    });

    function setUpTicker(ticker) {
        if (!ticker) return;
        var items = ticker.querySelectorAll(".ticker__items li");
        var pause = ticker.querySelector("[data-ticker-pause]");
        var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        var index = 0;
        var paused = reduced;
        function show(i) {
            items.forEach(function (item, n) { item.classList.toggle("is-current", n === i); });
        }
        show(0);
        if (reduced) {
            // No motion: show the whole list, nothing rotates.
            ticker.classList.add("ticker--static");
            if (pause) pause.hidden = true;
            return;
        }
        var timer = window.setInterval(function () {
            if (paused || items.length < 2) return;
            index = (index + 1) % items.length;
            show(index);
        }, 5000);
        if (pause) {
            pause.addEventListener("click", function () {
                paused = !paused;
                pause.setAttribute("aria-pressed", paused ? "true" : "false");
                pause.textContent = paused ? "Play" : "Pause";
            });
        }
        ticker.addEventListener("mouseenter", function () { paused = true; });
        ticker.addEventListener("focusin", function () { paused = true; });
        ticker.addEventListener("mouseleave", function () {
            if (pause.getAttribute("aria-pressed") !== "true") paused = false;
        });
        void timer;
    }

    // One view per page load, sent when the reader actually sees the page (not for prerenders).
    var article = document.querySelector("[data-view-token]");
    function sendView() {
        var token = article.getAttribute("data-view-token");
        var body = new URLSearchParams({ token: token });
        if (navigator.sendBeacon && navigator.sendBeacon("/api/views/", body)) return;
        fetch("/api/views/", { method: "POST", body: body, keepalive: true, credentials: "omit" }).catch(function () {});
    }
    if (article && article.getAttribute("data-view-token")) {
        if (document.prerendering) {
            document.addEventListener("prerenderingchange", sendView, { once: true });
        } else if (document.visibilityState === "hidden") {
            document.addEventListener("visibilitychange", function onVisible() {
                if (document.visibilityState === "visible") {
                    document.removeEventListener("visibilitychange", onVisible);
                    sendView();
                }
            });
        } else {
            sendView();
        }
    }
})();
