/* ZoneOps page behaviour that would otherwise be inline handlers (the CSP refuses onclick=...). */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-zo-print]")) {
    window.print();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-zo-confirm]");
  if (form && !window.confirm(form.dataset.zoConfirm)) {
    event.preventDefault();
  }
});
