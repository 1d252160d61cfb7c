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
