// Keeps the progress of a long job (a report run, a sanctions list import and its re-screen) up to date in place,
// instead of reloading the whole page (a timed reload moves focus and is an axe "meta-refresh" failure).
// The page (templates/includes/progress_live.html) marks:
//   [data-poll]             the live part, present while the job runs; data-poll-every: milliseconds between looks
//   [data-poll-swap][id]    parts replaced by their fresh copy from the same page (bars, tables, result links)
//   [data-poll-status]      the live region (role=status): only its text changes, so screen readers hear it
//   [data-poll-stop]        a button, shown only with script, that stops the updates (WCAG 2.2.2)
//   [data-poll-reload]      the reload link for browsers without script, hidden while the script updates
// A file of its own, not an inline script, so the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var root = document.querySelector("[data-poll]");
  if (!root || !window.fetch || !window.DOMParser) return;
  var every = parseInt(root.getAttribute("data-poll-every"), 10) || 2000;
  var status = root.querySelector("[data-poll-status]");
  var stop = root.querySelector("[data-poll-stop]");
  var reload = root.querySelector("[data-poll-reload]");
  var timer = null;

  function say(text) {
    if (status && text && status.textContent !== text) status.textContent = text;
  }

  function end(text, offerReload) {
    clearTimeout(timer);
    timer = null;
    if (stop) stop.hidden = true;
    if (reload) reload.hidden = !offerReload;
    say(text);
  }

  function look() {
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (timer === null) return; // stopped while the request was under way
        var fresh = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(document.querySelectorAll("[data-poll-swap][id]"), function (part) {
          var next = fresh.getElementById(part.id);
          if (next) part.replaceWith(document.importNode(next, true));
        });
        var freshStatus = status && status.id ? fresh.getElementById(status.id) : null;
        var text = freshStatus ? freshStatus.textContent.trim() : "";
        if (fresh.querySelector("[data-poll]")) {
          say(text);
          timer = setTimeout(look, every);
        } else {
          end(text || root.getAttribute("data-poll-done"), false);
        }
      })
      .catch(function () {
        end(root.getAttribute("data-poll-failed"), true);
      });
  }

  if (reload) reload.hidden = true;
  if (stop) {
    stop.hidden = false;
    stop.addEventListener("click", function () {
      end(stop.getAttribute("data-poll-stopped"), true);
    });
  }
  timer = setTimeout(look, every);
})();
