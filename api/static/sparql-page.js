// The SPARQL page: YASGUI pointed at this endpoint (same origin), and the named
// queries of queries/*.rq offered as examples, each opened in a tab of its own.
(function () {
  "use strict";
  var endpoint = window.location.href.split(/[?#]/)[0];
  var examples = JSON.parse(document.getElementById("kg-example-data").textContent);
  var byName = {};
  examples.forEach(function (e) { byName[e.name] = e; });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // Only this endpoint: the catalogue would otherwise list public ones.
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // No saved tabs: a page from another deployment must not bring its endpoint along.
    persistenceId: null,
    // The class and property completers query a public vocabulary service; the
    // page makes no request to any host but this one.
    yasqe: { autocompleters: ["prefixes", "variables"] },
    yasr: { defaultPlugin: "table" },
  });
  window.kgYasgui = yasgui;

  function openExample(name) {
    var chosen = byName[name];
    if (!chosen) { return; }
    var tabs = yasgui._tabs;
    for (var id in tabs) {
      if (tabs[id].name() === chosen.name) {
        yasgui.selectTabId(id);
        tabs[id].setQuery(chosen.sparql);
        return;
      }
    }
    var tab = yasgui.addTab(true, {
      name: chosen.name,
      yasqe: { value: chosen.sparql },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
    tab.setQuery(chosen.sparql);
  }

  var select = document.getElementById("kg-examples");
  select.addEventListener("change", function () { openExample(select.value); });
  var wanted = new URLSearchParams(window.location.search).get("example");
  if (wanted) { select.value = wanted; openExample(wanted); }
})();
