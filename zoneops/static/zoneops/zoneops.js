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

/* Phone cards: a table with one header row gets each cell labelled with its column (data-label) and
   the class zo-cards; zoneops.css shows it as one card per row under 576 px (wide tables stay as they are). */
function zoCards(root) {
  if (!root.querySelectorAll) {
    return;
  }
  var tables = root.matches && root.matches("table.zo-table") ? [root] : root.querySelectorAll("table.zo-table");
  Array.prototype.forEach.call(tables, function (table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (rows.length !== 1 || table.querySelector("thead [colspan], tbody [rowspan]")) {
      return;
    }
    var labels = Array.prototype.map.call(rows[0].cells, function (cell) { return cell.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (labels[index] && !cell.hasAttribute("colspan")) {
            cell.dataset.label = labels[index];
          }
        });
      });
    });
    table.classList.add("zo-cards");
  });
}
document.addEventListener("DOMContentLoaded", function () { zoCards(document); });
document.addEventListener("htmx:load", function (event) { zoCards(event.detail.elt); });
