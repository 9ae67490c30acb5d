// "Snel weg" on the doors outside the workplace (door_base.html). One click, or Escape twice: end the
// session at the server if the page says how (data-leave: a URL that takes a POST with the CSRF token),
// then replace this page in the history by a neutral site, so the back button does not come back here.
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function leave(link) {
    var target = link.getAttribute("href");
    var endpoint = link.getAttribute("data-leave");
    if (endpoint && navigator.sendBeacon) {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken());
      navigator.sendBeacon(endpoint, body);
    }
    try {
      document.body.innerHTML = "";
      document.title = "";
    } catch (e) {
      // nothing: leaving is what matters
    }
    window.location.replace(target);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) {
      return;
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      leave(link);
    });
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var now = Date.now();
      if (now - lastEscape < 1000) {
        leave(link);
      }
      lastEscape = now;
    });
  });
})();
