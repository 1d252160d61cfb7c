/* Admissions: small enhancements; every page works without them. */
document.addEventListener("DOMContentLoaded", function () {
  // A live word count under textareas with a limit (the server checks it too).
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.dataset.wordLimit, 10);
    var note = document.createElement("p");
    note.className = "app-word-count";
    note.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", note);
    function update() {
      var words = area.value.trim() ? area.value.trim().split(/\s+/).length : 0;
      note.textContent = words > limit
        ? "You have " + (words - limit) + " words too many (" + words + " of " + limit + ")"
        : "You have " + (limit - words) + " words remaining (" + words + " of " + limit + ")";
      note.classList.toggle("is-over", words > limit);
    }
    area.addEventListener("input", update);
    update();
  });
  // Submit once: a second click does nothing (the server also submits only once).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
    });
  });
});
