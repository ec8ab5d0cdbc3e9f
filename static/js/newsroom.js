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
        button.addEventListener("click", function () {
            setExpanded(button, menu, button.getAttribute("aria-expanded") !== "true");
        });
        var item = button.closest(".main-nav__item");
        if (item && window.matchMedia("(hover: hover) and (min-width: 64rem)").matches) {
            item.addEventListener("mouseenter", function () { setExpanded(button, menu, true); });
            item.addEventListener("mouseleave", function () { setExpanded(button, menu, false); });
        }
    });

    // The phone menu drawer.
    var navToggle = document.querySelector("[data-nav-toggle]");
    var nav = document.querySelector("[data-main-nav]");
    if (navToggle && nav) {
        navToggle.addEventListener("click", function () {
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
    if (openButton) openButton.addEventListener("click", openSearch);
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
                setExpanded(button, document.getElementById(button.getAttribute("aria-controls")), false);
            });
        }
    });

    // Video facades: the provider's player loads only when the reader presses play.
    document.querySelectorAll("[data-embed-player]").forEach(function (figure) {
        var button = figure.querySelector("button");
        if (!button) return;
        button.addEventListener("click", function () {
            var iframe = document.createElement("iframe");
            iframe.src = figure.getAttribute("data-embed-player");
            iframe.title = button.getAttribute("aria-label") || "Video";
            iframe.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
            iframe.allowFullscreen = true;
            iframe.loading = "lazy";
            figure.replaceChild(iframe, button);
        });
    });
})();
