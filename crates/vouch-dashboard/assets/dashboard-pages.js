// Vouch dashboard pages: small conveniences on top of pages that work without script.
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
