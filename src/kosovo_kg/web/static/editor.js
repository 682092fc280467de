// The query editor: YASGUI (npm @zazuko/yasgui, served from this server) on /sparql.
// No remote autocompletion (LOV), no endpoint catalogue: every request stays on this host.
"use strict";
(function () {
  var root = document.getElementById("yasgui");
  var lib = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!root || !lib) return;
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  var initial = document.getElementById("query").value;
  if (lib.Yasqe && lib.Yasqe.defaults) {
    lib.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
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
  // the address follows the text: a reload or a shared link shows this query (run=1 runs it)
  var link = document.getElementById("permalink");
  var timer = null;
  function remember() {
    var params = new URLSearchParams(window.location.search);
    params.set("query", tab.getQuery());
    params.delete("run");
    var href = window.location.pathname + "?" + params.toString();
    window.history.replaceState(null, "", href);
    if (link) { link.href = href; link.textContent = "/editor?query=…"; }
  }
  tab.getYasqe().on("change", function () { clearTimeout(timer); timer = setTimeout(remember, 300); });
  // results: our IRIs link to their pages on this server (the IRI stays the text, to copy)
  var base = root.getAttribute("data-base");
  var families = ["id/", "graph/", "ontology", "dataset"];
  function localise() {
    root.querySelectorAll('.yasr a[href^="' + base + '"]').forEach(function (a) {
      var rest = a.getAttribute("href").slice(base.length);
      if (!families.some(function (f) { return rest.indexOf(f) === 0; })) return;
      a.setAttribute("href", "/" + rest);
      a.removeAttribute("target");
      a.setAttribute("title", base + rest);
    });
  }
  if (base) new MutationObserver(localise).observe(root, { childList: true, subtree: true });
  if (root.getAttribute("data-run") === "1") tab.getYasqe().query();
})();
