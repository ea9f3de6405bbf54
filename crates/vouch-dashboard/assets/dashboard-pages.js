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
