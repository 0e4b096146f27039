namespace ScheduleSearch.Cli.Reports.Html;

/// <summary>The report page's inline style sheet and script (sortable tables, copy buttons); nothing is fetched.</summary>
internal static class ReportAssets
{
    /// <summary>The style sheet.</summary>
    public const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1000px;padding:16px 24px;color:#222}
        h1{font-size:22px;margin:8px 0 16px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:18px 0 6px}
        .intro,.note{color:#555}.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}.facts dt{color:#555}.facts dd{margin:0}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f5f5f5}table.sortable th{cursor:pointer;user-select:none}table.sortable th[data-dir=asc]::after{content:" \25B2"}table.sortable th[data-dir=desc]::after{content:" \25BC"}
        .mono,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:8px;overflow:auto;max-height:320px}
        svg.chart{width:100%;height:auto;display:block}.frame{fill:none;stroke:#999}.grid{stroke:#eee}.tick,.legend{font-size:11px;fill:#444}.axis-title{font-size:12px;fill:#333}
        circle.point:hover{stroke:#000;stroke-width:1.5}.export{margin:10px 0}.export-head{display:flex;gap:8px;align-items:center}.notes{margin:4px 0;color:#7a4b00}
        .grids{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}.grids figure{margin:0}.grids img{display:block;image-rendering:pixelated}.grids figcaption{font-size:12px;color:#555;max-width:240px}
        footer{color:#888;margin:32px 0 8px;font-size:12px}
        """;

    /// <summary>The script: click a table header to sort by it; a copy button copies its export's text.</summary>
    public const string Script = """
        document.querySelectorAll("table.sortable").forEach(function (table) {
          table.querySelectorAll("th").forEach(function (th, column) {
            th.addEventListener("click", function () {
              var dir = th.dataset.dir === "asc" ? "desc" : "asc";
              table.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
              th.dataset.dir = dir;
              var numeric = th.dataset.type === "number";
              var rows = Array.prototype.slice.call(table.tBodies[0].rows);
              rows.sort(function (a, b) {
                var x = a.cells[column], y = b.cells[column];
                var c = numeric
                  ? (x.dataset.value === undefined ? Infinity : +x.dataset.value) - (y.dataset.value === undefined ? Infinity : +y.dataset.value)
                  : x.textContent.localeCompare(y.textContent);
                return dir === "asc" ? c : -c;
              });
              rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
            });
          });
        });
        document.querySelectorAll("button.copy").forEach(function (button) {
          button.addEventListener("click", function () {
            var text = document.getElementById(button.dataset.target).textContent;
            var done = function () { button.textContent = "copied"; setTimeout(function () { button.textContent = "copy"; }, 1500); };
            if (navigator.clipboard && window.isSecureContext) {
              navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
            } else { fallback(text); done(); }
          });
        });
        function fallback(text) {
          var area = document.createElement("textarea");
          area.value = text; document.body.appendChild(area); area.select();
          try { document.execCommand("copy"); } catch (e) { }
          document.body.removeChild(area);
        }
        """;
}
