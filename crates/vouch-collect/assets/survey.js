// Vouch survey pages. Everything works without this script; with it, the score chosen in an
// email is recorded the moment the page opens (a POST: a bare GET never records anything).
(function () {
  "use strict";
  try {
    var form = document.querySelector("form[data-autopost]");
    if (!form || !window.fetch || !window.URLSearchParams) return;
    var score = form.querySelector("input[name=score]");
    var status = document.getElementById("save-status");
    if (!score) return;
    var body = new URLSearchParams();
    body.set("score", score.value);
    window
      .fetch(form.getAttribute("action"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded"
        },
        body: body.toString()
      })
      .then(function (reply) {
        if (!reply.ok) return;
        form.removeAttribute("data-autopost");
        form.setAttribute("data-saved", "true");
        if (status) status.textContent = status.getAttribute("data-saved-text") || "";
      })
      .catch(function () {
        // The "Send" button posts the score too.
      });
  } catch (ignored) {
    // Never break the page.
  }
})();
