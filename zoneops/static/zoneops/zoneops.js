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

/* Searchable pickers: <select data-zo-picker="URL"> (zoneops/core/widgets.py) renders only its chosen
   option(s); Tom Select asks URL?q=… for matches as the user types ({"results": [{value, text, detail}]}). */
function zoPickers(root) {
  if (!window.TomSelect || !root.querySelectorAll) {
    return;
  }
  root.querySelectorAll("select[data-zo-picker]").forEach(function (select) {
    if (select.tomselect) {
      return;
    }
    var url = select.dataset.zoPicker;
    new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: ["text", "detail"],
      score: function () { return function () { return 1; }; },  // the server has searched already
      preload: "focus",
      loadThrottle: 250,
      maxOptions: 50,
      allowEmptyOption: true,
      plugins: select.multiple ? ["remove_button"] : [],
      load: function (query, callback) {
        var self = this;
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query),
              {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.json(); })
          .then(function (data) { self.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          return "<div>" + escape(item.text) + (item.detail ? " <small class=\"text-muted\">" + escape(item.detail) + "</small>" : "") + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () { return "<div class=\"no-results\">无匹配项</div>"; },
        loading: function () { return "<div class=\"spinner-border spinner-border-sm m-2\" role=\"status\"></div>"; }
      }
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { zoPickers(document); });
document.addEventListener("htmx:load", function (event) { zoPickers(event.detail.elt); });
