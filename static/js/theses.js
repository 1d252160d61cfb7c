/* Thesis pages: small enhancements; every page works without them.

   Ranking (/theses/my/preferences/): without JavaScript it is one select per
   open project, "1st choice" to the last. With it, each choice becomes a row that can be
   reordered three ways, all moving the whole row (its select goes with it):
   - drag it by its handle (SortableJS, mouse and touch),
   - focus the handle and press the up or down arrow key (Home/End: top/bottom),
   - the "Move up" / "Move down" buttons.
   After every move the rows are renumbered (label, select name and id, so the
   form posts choice_1..choice_N in the new order) and a polite live region
   says where the project went: "Civic data audit moved to 2nd of 5". The
   server checks the ranking as before; nothing here is trusted. */
(function () {
  "use strict";

  // As theses.forms.ordinal: 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st.
  function ordinal(n) {
    var teens = n % 100 >= 10 && n % 100 <= 20;
    return n + (teens ? "th" : ({1: "st", 2: "nd", 3: "rd"}[n % 10] || "th"));
  }

  function enhanceRanking(form) {
    var list = form.querySelector("[data-ranking-list]");
    if (!list) {
      return;
    }
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.id = "ranking-status";
    form.insertBefore(status, form.firstChild);

    var help = form.querySelector("[data-ranking-help]");
    if (help) {
      help.textContent = "To change the order, drag a choice by its handle, or use Move up and Move down. " +
        "With a keyboard you can also focus a handle and press the up or down arrow key.";
      help.hidden = false;
    }
    list.classList.add("ranking-enhanced");

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll(":scope > .ranking-item"));
    }

    function titleOf(item) {
      var select = item.querySelector("select");
      var option = select && select.options[select.selectedIndex];
      return option && option.value ? option.text : "Empty choice";
    }

    function renumber() {
      var all = items();
      all.forEach(function (item, i) {
        var n = i + 1;
        var select = item.querySelector("select");
        var label = item.querySelector("label");
        var place = ordinal(n) + " choice";
        select.name = "choice_" + n;
        select.id = "id_choice_" + n;
        select.setAttribute("data-choice", n);
        label.htmlFor = select.id;
        label.textContent = place;
        var title = titleOf(item);
        item.querySelector(".rank-handle").setAttribute(
          "aria-label", "Reorder " + place + ": " + title + " (" + n + " of " + all.length + ")");
        var up = item.querySelector("[data-move='-1']");
        var down = item.querySelector("[data-move='1']");
        up.setAttribute("aria-label", "Move up: " + place + ", " + title);
        down.setAttribute("aria-label", "Move down: " + place + ", " + title);
        up.disabled = n === 1;
        down.disabled = n === all.length;
      });
    }

    function announce(item) {
      var all = items();
      status.textContent = titleOf(item) + " moved to " + ordinal(all.indexOf(item) + 1) + " of " + all.length + ".";
    }

    // Move an item to position `to` (0-based), keep focus on `focusEl` (or a
    // sensible neighbour when that control became disabled), announce it.
    function moveTo(item, to, focusEl) {
      var all = items();
      var from = all.indexOf(item);
      to = Math.max(0, Math.min(all.length - 1, to));
      if (to === from) {
        return;
      }
      var without = all.filter(function (el) { return el !== item; });
      list.insertBefore(item, without[to] || null);
      renumber();
      announce(item);
      if (focusEl) {
        if (focusEl.disabled) {
          focusEl = item.querySelector("[data-move]:not([disabled])") || item.querySelector(".rank-handle");
        }
        focusEl.focus();
      }
    }

    function button(text, delta) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-secondary btn-sm";
      b.textContent = text;
      b.setAttribute("data-move", String(delta));
      b.addEventListener("click", function () {
        var item = b.closest(".ranking-item");
        moveTo(item, items().indexOf(item) + delta, b);
      });
      return b;
    }

    items().forEach(function (item) {
      var handle = document.createElement("button");
      handle.type = "button";
      handle.className = "rank-handle";
      if (help) {
        handle.setAttribute("aria-describedby", help.id);
      }
      var grip = document.createElement("span");
      grip.className = "rank-grip";
      grip.setAttribute("aria-hidden", "true");
      handle.appendChild(grip);
      handle.addEventListener("keydown", function (event) {
        var all = items();
        var at = all.indexOf(item);
        var to = {ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: all.length - 1}[event.key];
        if (to === undefined) {
          return;
        }
        event.preventDefault();
        moveTo(item, to, handle);
      });
      item.insertBefore(handle, item.firstChild);

      var moves = document.createElement("div");
      moves.className = "rank-moves";
      moves.appendChild(button("Move up", -1));
      moves.appendChild(button("Move down", 1));
      item.appendChild(moves);

      item.querySelector("select").addEventListener("change", renumber);
    });
    renumber();

    if (window.Sortable) {
      window.Sortable.create(list, {
        handle: ".rank-handle",
        draggable: ".ranking-item",
        animation: 150,
        ghostClass: "ranking-ghost",
        chosenClass: "ranking-chosen",
        onEnd: function (event) {
          renumber();
          if (event.oldIndex !== event.newIndex) {
            announce(event.item);
          }
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-ranking]");
    if (form) {
      enhanceRanking(form);
    }
  });
})();
