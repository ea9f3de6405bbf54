/*! Vouch in-app NPS widget. No dependencies, no build step.
 *
 * Embed it once per page, with the widget key of your survey:
 *
 *   <script>
 *     window.Vouch = window.Vouch || { q: [], identify: function () { this.q.push(["identify", arguments]); } };
 *     Vouch.identify({ id: "user-42", email: "ann@example.com",
 *                      traits: { plan: "pro", created_at: "2025-11-02" } });
 *   </script>
 *   <script src="https://vouch.example.com/widget.js" data-key="pk_..." async></script>
 *
 * Calls made before the script has loaded wait in window.Vouch.q. The script talks to the
 * server it was loaded from, asks whether to show the survey (the server applies the throttle
 * window, the minimum account age and sampling), and if so shows an accessible dialog. It
 * defines nothing but window.Vouch, catches every error, and never blocks the page.
 */
(function () {
  "use strict";

  var previous = window.Vouch;
  if (previous && previous.__vouch) return; // loaded twice
  var queued = previous && previous.q && previous.q.length ? previous.q.slice() : [];

  function ownScript() {
    if (document.currentScript) return document.currentScript;
    var scripts = document.querySelectorAll("script[data-key]");
    for (var i = 0; i < scripts.length; i++) {
      if (/\/widget\.js(?:[?#].*)?$/.test(scripts[i].src)) return scripts[i];
    }
    return null;
  }

  var script = ownScript();
  var key = script ? script.getAttribute("data-key") : null;
  var base = script ? script.src.replace(/\/widget\.js(?:[?#].*)?$/, "") : "";
  var state = { busy: false, shown: false, decided: null };

  function call(path, body) {
    return window
      .fetch(base + "/w/v1/" + encodeURIComponent(key) + path, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body)
      })
      .then(function (reply) {
        return reply
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { ok: reply.ok, status: reply.status, data: data || {} };
          });
      });
  }

  function identify(user) {
    try {
      if (!key || !base || !window.fetch || state.busy || state.shown) return;
      user = user || {};
      var contact = {};
      if (user.id !== undefined && user.id !== null && user.id !== "") contact.id = user.id;
      if (user.email) contact.email = String(user.email);
      if (user.traits && typeof user.traits === "object") contact.traits = user.traits;
      var body = { contact: contact };
      if (navigator.language) body.language = navigator.language;
      var fingerprint = JSON.stringify(body);
      if (fingerprint === state.decided) return;
      state.busy = true;
      call("/decide", body)
        .then(function (reply) {
          state.busy = false;
          state.decided = fingerprint;
          if (reply.ok && reply.data.show && reply.data.survey) {
            state.shown = true;
            show(reply.data.token, reply.data.survey);
          }
        })
        .catch(function () {
          state.busy = false;
        });
    } catch (ignored) {
      state.busy = false;
    }
  }

  var CSS =
    ":host{all:initial}" +
    "*{box-sizing:border-box}" +
    ".backdrop{position:fixed;inset:0;background:rgba(0,0,0,.35);z-index:2147483000}" +
    ".panel{position:fixed;left:50%;bottom:16px;transform:translateX(-50%);width:calc(100% - 24px);max-width:560px;" +
    "max-height:calc(100% - 32px);overflow:auto;z-index:2147483001;background:#fff;color:#1a1a1a;" +
    "border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);padding:20px 20px 14px;" +
    "font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;border-top:4px solid var(--vouch-brand)}" +
    "@media (prefers-reduced-motion:no-preference){.panel{animation:vouch-in .2s ease-out}}" +
    "@keyframes vouch-in{from{opacity:0;transform:translate(-50%,12px)}to{opacity:1;transform:translate(-50%,0)}}" +
    ".brand{display:flex;align-items:center;gap:8px;font-weight:600;font-size:14px;margin:0 44px 8px 0}" +
    ".brand img{max-height:28px;width:auto}" +
    "h2{font-size:19px;line-height:1.3;margin:0 0 16px;font-weight:650}" +
    "h2[tabindex=\"-1\"]:focus{outline:none;box-shadow:none}" +
    ".close{position:absolute;top:10px;right:10px;width:44px;height:44px;border:0;border-radius:8px;" +
    "background:transparent;color:#1a1a1a;font:inherit;font-size:26px;line-height:1;cursor:pointer}" +
    ".close:hover{background:#eee}" +
    ".scale{display:grid;grid-template-columns:repeat(11,minmax(0,1fr));gap:6px}" +
    "@media (max-width:480px){.scale{grid-template-columns:repeat(6,minmax(0,1fr))}}" +
    ".score{--cat:#767676;min-height:44px;min-width:0;padding:0;margin:0;font:inherit;font-weight:650;" +
    "color:#1a1a1a;background:#fff;border:1px solid #767676;border-bottom:5px solid var(--cat);border-radius:8px;cursor:pointer}" +
    ".score[data-category=detractor]{--cat:#d55e00}.score[data-category=passive]{--cat:#e69f00}" +
    ".score[data-category=promoter]{--cat:#009e73}" +
    ".score:hover,.score[aria-pressed=true]{background:var(--cat);color:#000}" +
    ".ends{display:flex;justify-content:space-between;gap:12px;margin:6px 0 0;color:#4d4d4d;font-size:13px}" +
    "label{display:block;font-weight:650;margin:16px 0 6px}" +
    "textarea{display:block;width:100%;min-height:96px;resize:vertical;font:inherit;color:#1a1a1a;" +
    "background:#fff;border:1px solid #767676;border-radius:8px;padding:8px 10px}" +
    ".send{margin-top:10px;min-height:44px;min-width:120px;padding:8px 20px;border:0;border-radius:8px;" +
    "background:var(--vouch-brand);color:var(--vouch-on-brand);font:inherit;font-weight:650;cursor:pointer}" +
    ".send[disabled]{opacity:.6;cursor:progress}" +
    ".error{color:#b3261e;font-weight:600;margin:10px 0 0}.error:empty{display:none}" +
    ".credit{margin:14px 0 0;color:#4d4d4d;font-size:12px;text-align:right}" +
    ":focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 5px #fff}" +
    "[tabindex='-1']:focus{outline:none;box-shadow:none}" +
    "[hidden]{display:none!important}";

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    for (var name in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, name)) node.setAttribute(name, attributes[name]);
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function category(score) {
    return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
  }

  function style(root) {
    try {
      if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      }
    } catch (ignored) {
      // Fall back to a <style> element below.
    }
    root.appendChild(element("style", {}, CSS));
  }

  function show(token, survey) {
    var labels = survey.labels || {};
    var opener = document.activeElement;
    var host = element("div", { id: "vouch-widget", lang: survey.language || "en" });
    host.style.setProperty("--vouch-brand", survey.brand.color);
    host.style.setProperty("--vouch-on-brand", survey.brand.text_color);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    style(root);

    var backdrop = element("div", { class: "backdrop" });
    var panel = element("div", {
      class: "panel",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "vouch-question"
    });
    var close = element("button", { type: "button", class: "close", "aria-label": labels.close, "data-action": "close" }, "\u00d7");
    var brand = element("div", { class: "brand" });
    if (survey.brand.logo_url) brand.appendChild(element("img", { src: survey.brand.logo_url, alt: "" }));
    if (survey.brand.name) brand.appendChild(element("span", {}, survey.brand.name));
    var heading = element("h2", { id: "vouch-question", tabindex: "-1" }, survey.question);
    var scale = element("div", { class: "scale", role: "group", "aria-labelledby": "vouch-question" });
    var buttons = [];
    for (var value = 0; value <= 10; value++) {
      var button = element(
        "button",
        {
          type: "button",
          class: "score",
          "data-score": String(value),
          "data-category": category(value),
          "aria-pressed": "false",
          "aria-label": String(labels.score_aria || "{score}").replace("{score}", value)
        },
        value
      );
      buttons.push(button);
      scale.appendChild(button);
    }
    var ends = element("div", { class: "ends", "aria-hidden": "true" });
    ends.appendChild(element("span", {}, labels.low));
    ends.appendChild(element("span", {}, labels.high));
    var follow = element("div", { class: "follow", hidden: "" });
    var label = element("label", { for: "vouch-comment" });
    var comment = element("textarea", { id: "vouch-comment", name: "comment", rows: "4" });
    var send = element("button", { type: "button", id: "vouch-send", class: "send" }, labels.submit);
    follow.appendChild(label);
    follow.appendChild(comment);
    follow.appendChild(send);
    var error = element("p", { class: "error", role: "alert" });
    var thanks = element("div", { id: "vouch-thanks", class: "thanks", hidden: "" });
    var thanksTitle = element("h2", { tabindex: "-1" }, labels.thanks_title);
    thanks.appendChild(thanksTitle);
    thanks.appendChild(element("p", {}, labels.thanks_body));
    var credit = element("p", { class: "credit" }, labels.powered_by);
    var asking = element("div", { class: "asking" });
    asking.appendChild(heading);
    asking.appendChild(scale);
    asking.appendChild(ends);
    asking.appendChild(follow);
    [close, brand, asking, error, thanks, credit].forEach(function (node) {
      panel.appendChild(node);
    });
    root.appendChild(backdrop);
    root.appendChild(panel);

    var chosen = null;

    function fail(reply) {
      var message = reply && reply.data && reply.data.error && reply.data.error.message;
      error.textContent = message || labels.score_error || "Error";
    }

    function answer(body) {
      body.token = token;
      error.textContent = "";
      return call("/answer", body);
    }

    function pick(score) {
      chosen = score;
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(Number(button.getAttribute("data-score")) === score));
      });
      answer({ score: score })
        .then(function (reply) {
          if (!reply.ok) return fail(reply);
          label.textContent = survey.follow_up[category(score)] || "";
          follow.hidden = false;
          comment.focus();
        })
        .catch(fail);
    }

    function submit() {
      if (chosen === null) return fail(null);
      send.disabled = true;
      var body = { score: chosen };
      if (comment.value.trim()) body.comment = comment.value;
      answer(body)
        .then(function (reply) {
          send.disabled = false;
          if (!reply.ok) return fail(reply);
          asking.hidden = true;
          thanks.hidden = false;
          thanksTitle.focus();
        })
        .catch(function () {
          send.disabled = false;
          fail(null);
        });
    }

    function dismiss() {
      if (host.parentNode) host.parentNode.removeChild(host);
      document.removeEventListener("keydown", onKey, true);
      try {
        if (opener && opener.focus) opener.focus();
      } catch (ignored) {
        // The opener may be gone.
      }
    }

    function focusables() {
      return Array.prototype.filter.call(panel.querySelectorAll("button,textarea"), function (node) {
        return !node.disabled && node.getClientRects().length > 0;
      });
    }

    function onKey(event) {
      if (event.key === "Escape") {
        event.preventDefault();
        dismiss();
        return;
      }
      if (event.key !== "Tab") return;
      var nodes = focusables();
      if (!nodes.length) return;
      var first = nodes[0];
      var last = nodes[nodes.length - 1];
      var active = root.activeElement || document.activeElement;
      var inside = nodes.indexOf(active) >= 0;
      if (event.shiftKey && (active === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    }

    scale.addEventListener("click", function (event) {
      var target = event.target && event.target.closest ? event.target.closest("[data-score]") : null;
      if (target) pick(Number(target.getAttribute("data-score")));
    });
    send.addEventListener("click", submit);
    close.addEventListener("click", dismiss);
    backdrop.addEventListener("click", dismiss);
    document.addEventListener("keydown", onKey, true);
    (document.body || document.documentElement).appendChild(host);
    heading.focus();
  }

  var api = { __vouch: true, q: [], identify: identify };
  window.Vouch = api;
  queued.forEach(function (entry) {
    try {
      if (entry && entry[0] === "identify") identify.apply(null, Array.prototype.slice.call(entry[1] || []));
    } catch (ignored) {
      // A bad queued call must not stop the others.
    }
  });
})();
