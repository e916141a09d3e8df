// After a refused submit, move the focus to what went wrong, so a screen reader reads it and a
// phone scrolls to it: the page's error summary, else a form's error message, else the first
// field marked invalid.
document.addEventListener("DOMContentLoaded", function () {
  var target =
    document.querySelector("[data-error-summary]") ||
    document.querySelector("form .alert-danger") ||
    document.querySelector("form .is-invalid");
  if (!target) {
    return;
  }
  if (!target.matches("input, select, textarea, button, a[href]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
});
