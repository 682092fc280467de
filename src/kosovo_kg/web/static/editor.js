// The query editor: YASGUI (npm @zazuko/yasgui, served from this server) on /sparql.
// No remote autocompletion (LOV), no endpoint catalogue: every request stays on this host.
"use strict";
(function () {
  var root = document.getElementById("yasgui");
  var lib = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!root || !lib) return;
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  var initial = document.getElementById("query").value;
  var base = root.getAttribute("data-base");
  var prefixes = JSON.parse(root.getAttribute("data-prefixes") || "{}");
  if (lib.Yasqe && lib.Yasqe.defaults) {
    lib.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
    // the editor grows with its text (no scroll box of its own, on a phone too); YASGUI's tab
    // passes no height, so the default is what counts
    lib.Yasqe.defaults.editorHeight = "auto";
    lib.Yasqe.defaults.resizeable = false;
    lib.Yasqe.defaults.viewportMargin = Infinity;
  }

  // Result cells as on /sparql's HTML results: our IRIs link to their pages on this server, with
  // their label beside the IRI (still shown, to copy); datatypes compact (xsd:date). The table
  // plugin's DataTables options (documented: Yasr.plugins.table.defaults.tableConfig) call
  // createdRow for each row drawn; the labels come in one request per result set.
  var labels = {};
  var drawn = [];  // [cell, binding] of the result set on screen, redrawn when its labels come
  function localPath(iri) {
    if (!base || iri.indexOf(base) !== 0) return null;
    var rest = iri.slice(base.length);
    var ours = ["id/", "graph/", "ontology", "dataset"].some(function (f) { return rest.indexOf(f) === 0; });
    return ours ? "/" + rest : null;
  }
  function short(iri) {
    if (base && iri.indexOf(base) === 0 && iri.indexOf(prefixes.kr) !== 0) return iri.slice(base.length);
    for (var p in prefixes) {
      if (iri.indexOf(prefixes[p]) === 0 && iri.length > prefixes[p].length) {
        return p + ":" + iri.slice(prefixes[p].length);
      }
    }
    return iri;
  }
  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }
  function fill(cell, b) {
    var span = document.createElement("span");
    if (b.type === "uri") {
      var href = localPath(b.value) || (/^https?:\/\//.test(b.value) ? b.value : null);
      var label = labels[b.value];
      var a = add(span, href ? "a" : "span", label || b.value, "iri");
      if (href) a.setAttribute("href", href);
      if (label) { span.appendChild(document.createTextNode(" ")); add(span, "code", b.value, "iri"); }
    } else if (b.type === "bnode") {
      add(span, "span", "_:" + b.value);
    } else {
      add(span, "span", b.value);
      var extra = b["xml:lang"] ? "@" + b["xml:lang"] : b.datatype ? short(b.datatype) : "";
      if (extra) { span.appendChild(document.createTextNode(" ")); add(span, "span", extra, "dt"); }
    }
    var box = cell.firstElementChild || cell;  // YASR's <div> (its ellipsis works on it)
    box.replaceChildren(span);
  }
  var table = lib.Yasr && lib.Yasr.plugins && lib.Yasr.plugins.table;
  if (table) {
    table.defaults.openIriInNewWindow = false;
    table.defaults.tableConfig.createdRow = function (row, data, index, cells) {
      for (var i = 1; i < data.length; i++) {
        if (data[i] && cells[i]) { fill(cells[i], data[i]); drawn.push([cells[i], data[i]]); }
      }
    };
  }
  var labelled = null;
  function fetchLabels(yasr) {
    var results = yasr.results;
    drawn = [];
    if (!results || results === labelled || !results.getBindings) return;
    labelled = results;
    labels = {};
    var iris = {};
    (results.getBindings() || []).forEach(function (row) {
      Object.keys(row).forEach(function (v) { if (row[v].type === "uri") iris[row[v].value] = true; });
    });
    if (!Object.keys(iris).length) return;
    fetch(root.getAttribute("data-labels"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.keys(iris)),
    }).then(function (r) { return r.ok ? r.json() : {}; }).then(function (found) {
      if (labelled !== results) return;
      labels = found;
      drawn.forEach(function (d) { fill(d[0], d[1]); });
      root.setAttribute("data-labelled", Object.keys(found).length);
    });
  }
  // what YASGUI leaves unnamed for screen readers: the row-number column, the page-size menu,
  // the raw answer's text box
  function nameControls() {
    root.querySelectorAll(".yasr .CodeMirror textarea").forEach(function (t) {
      t.setAttribute("aria-label", "The answer as the endpoint sent it");
    });
    root.querySelectorAll(".yasr thead .dt-column-title").forEach(function (t) {
      if (!t.textContent.trim()) add(t, "span", "row", "visually-hidden");
    });
    var sizer = root.querySelector(".yasr .tableSizer");
    if (sizer) sizer.setAttribute("aria-label", "Rows per page");
  }

  var yasgui = new lib(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: { value: initial, createShareableLink: null },
  });
  document.body.classList.add("js-yasgui");
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(initial);
  tab.getYasqe().getInputField().setAttribute("aria-label", "SPARQL query");
  var endpointField = root.querySelector(".controlbar input.autocomplete");
  if (endpointField) endpointField.setAttribute("aria-label", "SPARQL endpoint");
  var yasr = tab.getYasr();
  yasr.on("draw", fetchLabels);
  yasr.on("drawn", nameControls);
  // the address follows the text, the result view (view=response: the raw answer) and whether
  // it ran (run=1 runs it on opening): a reload or a shared link shows the same
  var view = new URLSearchParams(window.location.search).get("view");
  if (view && yasr.config.plugins[view]) yasr.selectPlugin(view);
  var link = document.getElementById("permalink");
  var timer = null;
  function remember(ran) {  // ran: true once run, false once edited, undefined: unchanged
    var params = new URLSearchParams(window.location.search);
    params.set("query", tab.getQuery());
    if (ran === true) params.set("run", "1");
    if (ran === false) params.delete("run");
    view = yasr.getSelectedPluginName();
    if (view && view !== "table") params.set("view", view); else params.delete("view");
    var href = window.location.pathname + "?" + params.toString();
    window.history.replaceState(null, "", href);
    if (link) { link.href = href; link.textContent = "/editor?query=…"; }
  }
  tab.getYasqe().on("change", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { remember(false); }, 300);
  });
  tab.getYasqe().on("queryResponse", function () { remember(true); });
  yasr.on("change", function () { if (yasr.getSelectedPluginName() !== (view || "table")) remember(); });
  if (root.getAttribute("data-run") === "1") tab.getYasqe().query();
})();
