/* ZoneOps page behaviour that would otherwise be inline handlers (the CSP refuses onclick=...). */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-zo-print]")) {
    window.print();
  }
});
