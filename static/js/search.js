/* Search suggestions under the overlay's search box and the search page's: debounced, keyboard-driven, no dependencies.
 * Included once from base.html; the search page includes it too, so it guards against running twice. */
(function () {
    "use strict";
    if (window.newsroomSearchSuggest) return;
    window.newsroomSearchSuggest = true;

    var ENDPOINT = "/search/suggest/";
    var DELAY_MS = 200;
    var MIN_CHARS = 2;
    // The list's styles are in newsroom.css: a <style> element added here would break the Content-Security-Policy.

    function attach(input, index) {
        if (input.getAttribute("data-suggest-ready")) return;
        input.setAttribute("data-suggest-ready", "true");
        var list = document.createElement("ul");
        list.id = (input.id || "search-input-" + index) + "-suggestions";
        list.className = "search-suggest";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", "Suggested stories");
        list.hidden = true;
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", list.id);
        input.insertAdjacentElement("afterend", list);

        var timer = null;
        var pending = null;
        var active = -1;
        var results = [];

        function close() {
            list.hidden = true;
            list.textContent = "";
            results = [];
            active = -1;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
        }

        function highlight(position) {
            var options = list.querySelectorAll("[role=option]");
            options.forEach(function (option, i) {
                option.setAttribute("aria-selected", i === position ? "true" : "false");
            });
            active = position;
            if (position >= 0) input.setAttribute("aria-activedescendant", options[position].id);
            else input.removeAttribute("aria-activedescendant");
        }

        function render(found, correction) {
            list.textContent = "";
            active = -1;
            if (!found.length && correction && correction.url) {
                // Nothing matches what was typed, but a story uses a word close to it: offer the corrected search.
                found = [{ title: "Did you mean: " + correction.query + "?", url: correction.url, correction: true }];
            }
            results = found;
            if (!found.length) {
                close();
                return;
            }
            found.forEach(function (result, i) {
                var option = document.createElement("li");
                option.id = list.id + "-" + i;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                var link = document.createElement("a");
                link.href = result.url;
                link.tabIndex = -1;
                link.textContent = result.title;
                if (result.correction) option.className = "search-suggest__correction";
                option.appendChild(link);
                list.appendChild(option);
            });
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
        }

        function fetchSuggestions() {
            var query = input.value.trim();
            if (query.length < MIN_CHARS) {
                close();
                return;
            }
            // Only the latest keystroke's answer matters.
            if (pending) pending.abort();
            pending = window.AbortController ? new AbortController() : null;
            fetch(ENDPOINT + "?q=" + encodeURIComponent(query), {
                headers: { Accept: "application/json" },
                signal: pending ? pending.signal : undefined,
            })
                .then(function (response) {
                    return response.ok ? response.json() : { results: [] };
                })
                .then(function (data) {
                    if (input.value.trim() === query) render(data.results || [], data.did_you_mean);
                })
                .catch(function () {
                    /* Aborted or offline: the reader can still press Enter to search. */
                });
        }

        input.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(fetchSuggestions, DELAY_MS);
        });
        input.addEventListener("keydown", function (event) {
            if (list.hidden) return;
            if (event.key === "ArrowDown") {
                event.preventDefault();
                highlight(active + 1 < results.length ? active + 1 : 0);
            } else if (event.key === "ArrowUp") {
                event.preventDefault();
                highlight(active > 0 ? active - 1 : results.length - 1);
            } else if (event.key === "Enter" && active >= 0) {
                event.preventDefault();
                window.location.href = results[active].url;
            } else if (event.key === "Escape") {
                // The first Escape closes the suggestions, not the overlay around
                // them, and keeps what was typed (a search box clears itself on Escape).
                event.preventDefault();
                event.stopPropagation();
                close();
            }
        });
        input.addEventListener("blur", function () {
            setTimeout(close, 150);
        });
        // Keep the input focused while a suggestion is clicked.
        list.addEventListener("mousedown", function (event) {
            event.preventDefault();
        });
    }

    var inputs = document.querySelectorAll("#search-overlay-input, [data-search-suggest]");
    if (!inputs.length) return;
    inputs.forEach(attach);
})();
