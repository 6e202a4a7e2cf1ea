// newsfacts report: filter, sort and page the article index over every article (index-data.js),
// and on an article page, outline all parts of a fact when its tree entry is hovered.
// Plain JavaScript, no library; the pages read without it.
(function () {
  "use strict";
  var PAGE = 100;
  var table = document.getElementById("articles");
  if (table && window.NEWSFACTS_INDEX) { index(table, window.NEWSFACTS_INDEX); }
  document.querySelectorAll(".tree a[data-fact]").forEach(function (link) {
    var marks = document.querySelectorAll('mark[data-fact="' + link.dataset.fact + '"]');
    link.addEventListener("mouseenter", function () { marks.forEach(function (m) { m.classList.add("active"); }); });
    link.addEventListener("mouseleave", function () { marks.forEach(function (m) { m.classList.remove("active"); }); });
  });

  function index(table, rows) {
    var form = document.getElementById("filters");
    var body = table.tBodies[0];
    var pager = document.getElementById("pager");
    var shown = document.getElementById("shown");
    var sortColumn = -1, ascending = true, page = 0, list = rows;
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (input) {
      if (params.get(input.name)) { input.value = params.get(input.name); }
      input.addEventListener("input", function () { page = 0; update(); });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () {
        var column = Number(th.dataset.sort);
        ascending = column === sortColumn ? !ascending : true;
        sortColumn = column;
        table.querySelectorAll("th").forEach(function (other) { other.className = other.className.replace(/ ?sorted-\w+/, ""); });
        th.className += ascending ? " sorted-asc" : " sorted-desc";
        page = 0;
        update();
      });
    });
    if (Array.prototype.some.call(form.elements, function (input) { return input.value; })) { update(); }

    function value(name) { return (form.elements[name].value || "").trim().toLowerCase(); }
    function has(text, wanted) { return !wanted || String(text).toLowerCase().indexOf(wanted) >= 0; }
    function update() {
      var org = value("org"), source = value("source"), person = value("person");
      var from = value("from"), to = value("to");
      list = rows.filter(function (r) {
        var day = String(r[2]);
        return has(r[3], org) && has(r[4], source) && has(r[5], person) &&
          (!from || day >= from) && (!to || day.slice(0, to.length) <= to);
      });
      if (sortColumn >= 0) {
        list = list.slice().sort(function (a, b) {
          var x = a[sortColumn], y = b[sortColumn];
          var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "zh");
          return ascending ? order : -order;
        });
      }
      render();
    }
    function render() {
      var pages = Math.max(1, Math.ceil(list.length / PAGE));
      page = Math.min(page, pages - 1);
      body.textContent = "";
      list.slice(page * PAGE, (page + 1) * PAGE).forEach(function (r) {
        var tr = body.insertRow();
        [2, 1, 3, 4, 5, 6, 7].forEach(function (column) {
          var td = tr.insertCell();
          if (column === 1) {
            var a = document.createElement("a");
            a.href = r[0];
            a.textContent = r[1];
            td.appendChild(a);
          } else {
            td.textContent = r[column];
          }
          if (column >= 6) { td.className = "num"; }
        });
      });
      shown.textContent = list.length + " of " + rows.length + " articles";
      pager.textContent = "";
      button("‹ previous", page > 0, function () { page -= 1; render(); });
      pager.appendChild(document.createTextNode(" page " + (page + 1) + " of " + pages + " "));
      button("next ›", page < pages - 1, function () { page += 1; render(); });
    }
    function button(label, enabled, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.disabled = !enabled;
      b.addEventListener("click", action);
      pager.appendChild(b);
    }
  }
})();
