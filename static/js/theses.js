/* Thesis pages: small enhancements; every page works without them.
   Ranking: "Move up" / "Move down" buttons beside each choice swap it with
   its neighbour, so ordering needs neither a mouse nor drag-and-drop. */
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("[data-ranking]");
  if (!form) {
    return;
  }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-choice]"));
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.insertBefore(status, form.firstChild);

  function swap(i, j) {
    var a = selects[i].value;
    selects[i].value = selects[j].value;
    selects[j].value = a;
    var moved = selects[j].options[selects[j].selectedIndex];
    status.textContent = (moved && moved.value ? moved.text : "No choice") + " is now choice " + (j + 1) + ".";
  }

  selects.forEach(function (select, i) {
    var row = document.createElement("div");
    row.className = "rank-moves";
    [["Move up", i - 1], ["Move down", i + 1]].forEach(function (spec) {
      if (spec[1] < 0 || spec[1] >= selects.length) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-secondary btn-sm";
      button.textContent = spec[0];
      var label = form.querySelector('label[for="' + select.id + '"]');
      button.setAttribute("aria-label", spec[0] + ": " + (label ? label.textContent : "choice " + (i + 1)));
      button.addEventListener("click", function () {
        swap(i, spec[1]);
        selects[spec[1]].focus();
      });
      row.appendChild(button);
    });
    select.parentNode.appendChild(row);
  });
});
