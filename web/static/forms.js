// Task and intake forms: after a refused submit, move focus to the list of problems so a
// screen reader announces it and keyboard users start there (no inline scripts: CSP).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // A submit button pressed twice sends one form: the second press is ignored.
  var forms = document.querySelectorAll("form[data-once]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "1");
    });
  });
})();
