// The gate QR sheets: print button, and a confirmation before re-issuing a code (the old one stops working).
(function () {
  "use strict";
  var print = document.getElementById("gate-print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
  document.querySelectorAll(".gate-rotate").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[data-confirm]");
      if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
