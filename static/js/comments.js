/* Reader comments: post and report without leaving the page. Without JavaScript the forms post and come back. */
(function () {
    "use strict";

    var section = document.querySelector("[data-comments]");
    if (!section) return;
    var form = section.querySelector("[data-comment-form]");
    var status = section.querySelector("[data-comments-status]");

    function say(element, message) {
        if (!element) return;
        element.textContent = message;
        element.hidden = !message;
    }

    // The page may come from a cache: a token issued now measures the time on the page from this load.
    function renewToken() {
        var url = section.getAttribute("data-token-url");
        var field = form && form.querySelector("[data-comment-token]");
        if (!url || !field) return;
        fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) { if (data && data.token) field.value = data.token; })
            .catch(function () {});
    }

    function paragraphs(text) {
        var body = document.createElement("div");
        body.className = "comment__body";
        text.split(/\n\s*\n/).forEach(function (part) {
            if (!part.trim()) return;
            var p = document.createElement("p");
            p.textContent = part.trim();
            body.appendChild(p);
        });
        return body;
    }

    function showOwn(name, text) {
        // What the reader just posted, as plain text (the server renders links once the page is refreshed).
        var article = document.createElement("article");
        article.className = "comment comment--own";
        var header = document.createElement("header");
        header.className = "comment__header";
        var who = document.createElement("span");
        who.className = "comment__name";
        who.textContent = name;
        header.appendChild(who);
        article.appendChild(header);
        article.appendChild(paragraphs(text));
        var list = section.querySelector(".comment-list");
        if (!list) {
            list = document.createElement("ol");
            list.className = "comment-list";
            var empty = section.querySelector(".comments__empty");
            if (empty) empty.replaceWith(list);
            else form.parentNode.insertBefore(list, form);
        }
        var item = document.createElement("li");
        item.className = "comment-thread";
        item.appendChild(article);
        list.appendChild(item);
    }

    function setReply(id) {
        var parent = form.querySelector("[data-comment-parent]");
        var notice = form.querySelector("[data-comment-replying]");
        parent.value = id || "";
        if (notice) {
            notice.hidden = !id;
            var link = notice.querySelector("[data-comment-replying-link]");
            if (link && id) link.setAttribute("href", "#comment-" + id);
        }
    }

    if (form) {
        renewToken();
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            var error = form.querySelector("[data-comment-error]");
            var button = form.querySelector("button[type=submit]");
            say(error, "");
            button.disabled = true;
            var data = new FormData(form);
            fetch(form.action, { method: "POST", body: data, credentials: "omit", headers: { Accept: "application/json" } })
                .then(function (response) {
                    return response.json().then(function (body) { return { ok: response.ok, body: body }; });
                })
                .then(function (result) {
                    if (!result.ok) {
                        say(error, result.body.error || "Your comment could not be posted.");
                        return;
                    }
                    if (result.body.status === "approved") showOwn(data.get("name"), data.get("body"));
                    say(status, result.body.message);
                    form.querySelector("textarea").value = "";
                    setReply("");
                    status.scrollIntoView({ block: "nearest" });
                    renewToken();
                })
                .catch(function () { say(error, "Your comment could not be sent. Please check your connection and try again."); })
                .then(function () { button.disabled = false; });
        });
        var cancel = form.querySelector("[data-comment-cancel-reply]");
        if (cancel) cancel.addEventListener("click", function (event) { event.preventDefault(); setReply(""); });
    }

    section.addEventListener("click", function (event) {
        var reply = event.target.closest("[data-comment-reply]");
        if (!reply || !form) return;
        event.preventDefault();
        setReply(reply.getAttribute("data-comment-reply"));
        form.querySelector("textarea").focus();
    });

    section.addEventListener("submit", function (event) {
        var report = event.target.closest("[data-comment-report]");
        if (!report) return;
        event.preventDefault();
        fetch(report.action, { method: "POST", credentials: "omit", headers: { Accept: "application/json" } })
            .then(function (response) { return response.json(); })
            .then(function (body) {
                var note = document.createElement("span");
                note.textContent = "Reported";
                note.setAttribute("role", "status");
                report.replaceWith(note);
                say(status, body.message || "");
            })
            .catch(function () {});
    });
})();
