/* The workplace's one shared script: on a phone the menu folds behind a 菜单 button.
   Without this script the menu simply wraps under the title (the CSS's default). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var bar = document.querySelector(".topbar");
    if (!toggle || !bar) return;
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
