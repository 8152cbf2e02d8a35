// 护校安园 — shared page behaviour (no inline scripts: the CSP forbids them)
document.addEventListener("htmx:configRequest", function (evt) {
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token) { evt.detail.headers["X-CSRFToken"] = token.content; }
});
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { evt.preventDefault(); }
});
