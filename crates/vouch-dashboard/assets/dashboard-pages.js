// Vouch dashboard pages: small conveniences on top of pages that work without script.
//
// On a phone the filter bar folds its fields behind a "More filters" button, so that the
// figures come first; the period presets and the active filters stay in view.
(function () {
  "use strict";

  var bar = document.querySelector("form.filter-bar");
  if (!bar || !window.matchMedia("(max-width: 40rem)").matches) {
    return;
  }
  bar.classList.add("filter-bar--folded");
  var unfold = document.createElement("button");
  unfold.type = "button";
  unfold.className = "button button--secondary filter-bar__unfold";
  unfold.textContent = "More filters";
  unfold.setAttribute("aria-expanded", "false");
  unfold.addEventListener("click", function () {
    bar.classList.remove("filter-bar--folded");
    unfold.remove();
    var first = bar.querySelector(".filter-bar__field input, .filter-bar__field select");
    if (first) {
      first.focus();
    }
  });
  var presets = bar.querySelector(".filter-bar__active");
  presets.parentNode.insertBefore(unfold, presets.nextSibling);
})();

//
// Lists marked `data-keyboard-list` (the inbox) move with the keyboard: `j` to the next item,
// `k` to the previous one, Enter opens the focused item (it is a link). Keys typed in a form
// field are left alone.
(function () {
  "use strict";

  var list = document.querySelector("[data-keyboard-list]");
  if (!list) {
    return;
  }
  var items = Array.prototype.slice.call(list.querySelectorAll("[data-keyboard-item]"));
  if (items.length === 0) {
    return;
  }
  var hint = document.getElementById("inbox-keys");
  if (hint) {
    hint.hidden = false;
  }
  var current = -1;

  function select(index) {
    if (index < 0 || index >= items.length) {
      return;
    }
    if (current >= 0) {
      items[current].removeAttribute("aria-current");
    }
    current = index;
    items[current].setAttribute("aria-current", "true");
    items[current].focus();
  }

  list.addEventListener("focusin", function (event) {
    var index = items.indexOf(event.target);
    if (index >= 0 && index !== current) {
      select(index);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
      return;
    }
    if (event.key === "j") {
      select(current < 0 ? 0 : current + 1);
      event.preventDefault();
    } else if (event.key === "k") {
      select(current < 0 ? 0 : current - 1);
      event.preventDefault();
    }
  });
})();

//
// The rules of the Tags page (`table[data-progress-src]`) that are still tagging past
// responses show a <progress>; while any does, their progress is asked for every two seconds
// and the rows updated in place (the share, the responses tagged, "Up to date" once done).
// Without script the page says "Reload to see how far the rules got".
(function () {
  "use strict";

  var table = document.querySelector("table[data-progress-src]");
  if (!table || !window.fetch || !table.querySelector("progress[data-rule-progress]")) {
    return;
  }
  var source = table.getAttribute("data-progress-src");
  var reload = document.getElementById("rules-reload");
  if (reload) {
    reload.hidden = true;
  }

  function update(rule) {
    var row = table.querySelector("tr[data-rule='" + rule.id + "']");
    if (!row) {
      return;
    }
    var tagged = row.querySelector("[data-rule-tagged]");
    if (tagged) {
      tagged.textContent = rule.tagged;
    }
    var status = row.querySelector("[data-rule-status]");
    if (!status) {
      return;
    }
    if (rule.caught_up) {
      status.textContent = "Up to date";
      return;
    }
    var bar = status.querySelector("progress");
    var percent = status.querySelector("[data-rule-percent]");
    if (bar) {
      bar.value = rule.percent;
      bar.textContent = rule.percent + "%";
    }
    if (percent) {
      percent.textContent = String(rule.percent);
    }
  }

  function poll() {
    fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) {
        return reply.ok ? reply.json() : null;
      })
      .then(function (body) {
        if (!body || !body.rules) {
          if (reload) {
            reload.hidden = false;
          }
          return;
        }
        body.rules.forEach(update);
        if (table.querySelector("progress[data-rule-progress]")) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        if (reload) {
          reload.hidden = false;
        }
      });
  }

  window.setTimeout(poll, 2000);
})();
