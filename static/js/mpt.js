/* MPT's own script: small progressive enhancements. Pages work without it. */
document.documentElement.classList.replace("no-js", "js");

document.addEventListener("DOMContentLoaded", function () {
  // Move focus to a form's error summary so screen readers announce it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// After an htmx swap, move focus to the updated region if it asks for it.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  var focusable = target && target.querySelector("[data-focus-after-swap]");
  if (focusable) {
    focusable.focus();
  }
});

// Ask once before an irreversible action: <button data-confirm="…">.
document.addEventListener("submit", function (event) {
  var submitter = event.submitter;
  var message = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A table wider than the screen scrolls inside its box (.table-responsive).
// Keyboard users must be able to reach the box to scroll it, and hear what it
// holds: it becomes a focusable region named after the table's caption.
function focusableScrollBoxes(root) {
  root.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
    if (box.scrollWidth <= box.clientWidth) {
      return;
    }
    var caption = box.querySelector("caption");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    // Named apart from the section around it, which often shares the caption's words.
    box.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Table") + ", scrolls sideways");
  });
}
document.addEventListener("DOMContentLoaded", function () {
  focusableScrollBoxes(document);
});
window.addEventListener("resize", function () {
  window.requestAnimationFrame(function () {
    focusableScrollBoxes(document);
  });
});
document.addEventListener("htmx:afterSwap", function (event) {
  focusableScrollBoxes(event.detail.target || document);
});
