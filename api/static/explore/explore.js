// Graph explorer: search (GET /search), the neighbourhood of a node
// (GET /export/neighbourhood?format=cyjs), a side panel of facts and evidence
// (GET /export/node-facts), filters by type and year, downloads of the view.
// No framework and no CDN: Cytoscape.js is served from this folder.
"use strict";

// Each kind's colour and legend word, from kg.rdf.kinds (/explore/kinds.js, loaded first),
// so that the exports' pictures and this page agree.
const COLOURS = Object.fromEntries(Object.entries(window.KG_KINDS).map(([type, k]) => [type, k.colour]));
const TYPE_NAMES = Object.fromEntries(Object.entries(window.KG_KINDS).map(([type, k]) => [type, k.legend]));
const CJK_FONT = getComputedStyle(document.documentElement).getPropertyValue("--cjk").trim() || "sans-serif";

const $ = (id) => document.getElementById(id);
const state = { root: null, depth: 1, hiddenTypes: new Set() };

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);
}

const cy = cytoscape({
  container: $("cy"),
  elements: [],
  style: [
    { selector: "node", style: {
      "background-color": (n) => COLOURS[n.data("type")] || COLOURS.Resource,
      "label": "data(label)", "font-family": CJK_FONT, "font-size": 11,
      "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 160,
      "width": "mapData(degree, 0, 20, 18, 48)", "height": "mapData(degree, 0, 20, 18, 48)",
      "border-width": 1, "border-color": "#333",
    } },
    { selector: "node.root", style: { "border-width": 4, "border-color": "#222" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#d62728" } },
    { selector: "edge", style: {
      "width": 1.2, "line-color": "#aaa", "target-arrow-color": "#aaa",
      "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8,
      "label": "data(label)", "font-size": 8, "color": "#777", "font-family": CJK_FONT,
      "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.7,
    } },
    { selector: "edge[role = 'lead']", style: { "line-color": "#e15759", "target-arrow-color": "#e15759", "width": 2 } },
    { selector: ".filtered", style: { "display": "none" } },
  ],
});
window.kgCy = cy; // for tests and the browser console

function status(text) { $("status").textContent = text || ""; }

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `${response.status} ${response.statusText}`);
  return body;
}

// --- search -----------------------------------------------------------------------------

$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("search-input").value.trim();
  if (!q) return;
  const results = $("results");
  results.innerHTML = "<p class='hint'>搜索中…</p>";
  try {
    const page = await getJson(`/search?${new URLSearchParams({ q, limit: "20" })}`);
    if (!page.items.length) { results.innerHTML = `<p class="hint">没有找到“${esc(q)}”。</p>`; return; }
    const list = document.createElement("ul");
    for (const item of page.items) {
      const li = document.createElement("li");
      li.tabIndex = 0;
      li.dataset.iri = item.iri;
      const number = item.extra && item.extra.number ? ` ${esc(item.extra.number)}` : "";
      // The snippet comes HTML-escaped from the server, with hits in <mark>.
      li.innerHTML = `<div><strong>${esc(item.title)}</strong>${number}<span class="kind">${esc(item.type)}</span></div>`
        + `<div class="snippet">${item.snippet}</div>`;
      const open = () => loadNeighbourhood(item.iri);
      li.addEventListener("click", open);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
      list.appendChild(li);
    }
    results.replaceChildren(list);
  } catch (error) {
    results.innerHTML = `<p class="hint">搜索失败：${esc(error.message)}</p>`;
  }
});

// --- the graph ------------------------------------------------------------------------------

function exportUrl(format) {
  return `/export/neighbourhood?${new URLSearchParams({ format, root: state.root, depth: String(state.depth) })}`;
}

async function loadNeighbourhood(iri) {
  state.root = iri;
  state.depth = Number($("depth").value) || 1;
  status("载入中…");
  try {
    const data = await getJson(exportUrl("cyjs"));
    cy.elements().remove();
    cy.add(data.elements);
    cy.nodes().forEach((n) => n.data("degree", n.degree()));
    const rootNode = cy.$id(data.data.root || iri).addClass("root");
    // Rings around the root read best for a neighbourhood; force-directed for a big one.
    cy.elements().bfs({ roots: rootNode, directed: false,
                        visit: (v, e, u, i, depth) => { v.scratch("_ring", depth); } });
    // Two or three nodes on a ring sit on an arc rather than opposite each other, so
    // a link between them does not run through the root.
    const ringSizes = {};
    cy.nodes().forEach((n) => { const r = n.scratch("_ring") ?? 9; ringSizes[r] = (ringSizes[r] || 0) + 1; });
    const widest = Math.max(...Object.values(ringSizes));
    const sweep = widest >= 2 && widest <= 3 ? Math.PI * 0.55 * (widest - 1) : undefined;
    const layout = cy.nodes().length <= 80
      ? { name: "concentric", concentric: (n) => 10 - (n.scratch("_ring") ?? 9), levelWidth: () => 1,
          minNodeSpacing: 70, padding: 40, animate: false, sweep,
          startAngle: sweep ? (3 / 2) * Math.PI - sweep / 2 : (3 / 2) * Math.PI }
      : { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 90, padding: 30 };
    cy.layout(layout).run();
    // A few nodes would otherwise be blown up to fill the pane.
    if (cy.zoom() > 1.2) { cy.zoom(1.2); cy.center(); }
    buildFilters();
    for (const fmt of ["gexf", "graphml", "cyjs", "png"]) $(`export-${fmt}`).href = exportUrl(fmt);
    const truncated = data.data.truncated ? "（已截断）" : "";
    status(`${cy.nodes().length} 个节点，${cy.edges().length} 条边${truncated}`);
    const root = cy.$id(data.data.root || iri);
    if (root.nonempty()) { root.select(); showFacts(root.id()); }
  } catch (error) {
    status(`载入失败：${error.message}`);
  }
}

$("depth").addEventListener("change", () => { if (state.root) loadNeighbourhood(state.root); });
cy.on("tap", "node", (event) => showFacts(event.target.id()));
cy.on("dbltap", "node", (event) => loadNeighbourhood(event.target.id()));

// --- filters: type and year -------------------------------------------------------------------

function buildFilters() {
  $("filters").hidden = false;
  const counts = {};
  cy.nodes().forEach((n) => { const t = n.data("type") || "Resource"; counts[t] = (counts[t] || 0) + 1; });
  const legend = $("legend");
  legend.replaceChildren();
  for (const type of Object.keys(counts).sort()) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = !state.hiddenTypes.has(type);
    box.dataset.type = type;
    box.addEventListener("change", () => {
      if (box.checked) state.hiddenTypes.delete(type); else state.hiddenTypes.add(type);
      applyFilters();
    });
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = COLOURS[type] || COLOURS.Resource;
    label.append(box, swatch, `${TYPE_NAMES[type] || type} (${type}) · ${counts[type]}`);
    legend.appendChild(label);
  }
  const years = cy.nodes().map((n) => n.data("year")).filter((y) => Number.isInteger(y));
  $("year-from").placeholder = years.length ? Math.min(...years) : "";
  $("year-to").placeholder = years.length ? Math.max(...years) : "";
  applyFilters();
}

function applyFilters() {
  const from = Number($("year-from").value) || -Infinity;
  const to = Number($("year-to").value) || Infinity;
  const undated = $("undated").checked;
  cy.batch(() => {
    cy.nodes().forEach((n) => {
      const year = n.data("year");
      const yearOk = Number.isInteger(year) ? year >= from && year <= to : undated;
      const typeOk = !state.hiddenTypes.has(n.data("type") || "Resource");
      n.toggleClass("filtered", !(yearOk && typeOk) && !n.hasClass("root"));
    });
  });
}
for (const id of ["year-from", "year-to", "undated"]) $(id).addEventListener("input", applyFilters);

// --- side panel ------------------------------------------------------------------------------

const HIDDEN_ATTRIBUTES = new Set(["content_hash"]);

async function showFacts(iri) {
  const panel = $("panel");
  panel.innerHTML = "<p class='hint'>载入中…</p>";
  try {
    const facts = await getJson(`/export/node-facts?${new URLSearchParams({ iri })}`);
    const rows = Object.entries(facts.attributes)
      .filter(([key]) => !HIDDEN_ATTRIBUTES.has(key))
      .map(([key, value]) => `<tr><td class="key">${esc(key)}</td><td>${esc(value)}</td></tr>`).join("");
    const links = facts.links.map((link) => {
      const arrow = link.direction === "out" ? "→" : "←";
      return `<li>${esc(link.predicate)} ${arrow} <a class="node-link" data-iri="${esc(link.iri)}">${esc(link.label)}</a>`
        + ` <span class="kind">${esc(TYPE_NAMES[link.type] || link.type)}</span></li>`;
    }).join("");
    const evidence = facts.evidence.map((ev) => {
      const sentence = esc(ev.sentence || ev.exact);
      const marked = ev.exact ? sentence.split(esc(ev.exact)).join(`<mark>${esc(ev.exact)}</mark>`) : sentence;
      const source = ev.document_label ? `${esc(ev.document_label)} · ` : "";
      return `<div class="evidence">${marked}<div class="source">${source}${esc(ev.predicate)} · 字符 ${ev.start}–${ev.end}</div></div>`;
    }).join("");
    panel.innerHTML = `
      <h2 class="title">${esc(facts.label)}</h2>
      <div><span class="swatch" style="background:${COLOURS[facts.type] || COLOURS.Resource}"></span>${esc(TYPE_NAMES[facts.type] || facts.type)}
        · <a href="${esc(facts.iri)}" target="_blank" rel="noopener">IRI</a>
        · <a class="node-link" data-iri="${esc(facts.iri)}" data-recentre="1">以此为中心</a></div>
      <h2>属性</h2><table>${rows || "<tr><td>（无）</td></tr>"}</table>
      <h2>关联（${facts.links.length}）</h2><ul class="links">${links || "<li>（无）</li>"}</ul>
      <h2>原文证据（${facts.evidence.length}）</h2>${evidence || "<p class='hint'>（无）</p>"}`;
    panel.querySelectorAll("a.node-link").forEach((a) => a.addEventListener("click", () => {
      const target = a.dataset.iri;
      if (!a.dataset.recentre && cy.$id(target).nonempty()) { cy.$(":selected").unselect(); cy.$id(target).select(); showFacts(target); }
      else loadNeighbourhood(target);
    }));
  } catch (error) {
    panel.innerHTML = `<p class="hint">载入失败：${esc(error.message)}</p>`;
  }
}

// A deep link: /explore?root=IRI-or-name&depth=N opens that neighbourhood.
const params = new URLSearchParams(location.search);
if (params.get("depth")) $("depth").value = params.get("depth");
if (params.get("root")) loadNeighbourhood(params.get("root"));
