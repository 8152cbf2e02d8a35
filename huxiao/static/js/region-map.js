// Region page: schools as points on a Leaflet map. The base layer comes from the element's data-tile-url
// (MAP_TILE_URL, an intranet tile server); without one the points are drawn on a plain background, so
// nothing is fetched from the internet. For users who may see them, data-figures-url (the compliance map
// API) gives each school's state and key figures: points coloured 报警中 / 未达标 / 达标 / 未评估 with a
// legend, popups with the 三个100% results, open hazards and open alarms, and links to the school.
(function () {
  var el = document.getElementById("region-map");
  var data = document.getElementById("region-map-points");
  if (!el || !data || typeof L === "undefined") { return; }
  var COLOURS = { alarm: "#dc3545", not_met: "#fd7e14", met: "#198754", unknown: "#6c757d" };
  var PLAIN = "#0b3d91";
  var STATUS_CLASS = { met: "text-success", not_met: "text-danger", na: "text-muted" };
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  var tiles = el.getAttribute("data-tile-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }
  L.control.scale({ imperial: false }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  function label(name) { return el.getAttribute("data-label-" + name) || ""; }  // translated by the page

  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) { n.className = className; }
    if (text !== undefined && text !== null) { n.textContent = text; }
    return n;
  }

  function link(href, text, className) {
    var a = node("a", className, text);
    a.href = href;
    return a;
  }

  function figureRow(list, label, count, href) {
    if (count === null || count === undefined) { return; }  // a figure the user may not see
    var li = node("li", "d-flex justify-content-between gap-3");
    li.appendChild(node("span", "", label));
    var value = count && href ? link(href, String(count), count ? "link-danger fw-semibold" : "")
                              : node("span", count ? "text-danger fw-semibold" : "", String(count));
    value.setAttribute("data-figure", label);
    li.appendChild(value);
    list.appendChild(li);
  }

  function popup(p) {
    var box = node("div", "hx-map-popup small");
    box.setAttribute("data-school", p.id);
    box.appendChild(link(p.url, p.name, "fw-semibold d-block mb-1"));
    if (p.three) {
      var state = legendItems[p.state];
      if (state) {
        var badge = node("span", "badge mb-1", state.label);
        badge.style.background = COLOURS[p.state];
        box.appendChild(badge);
      }
      var list = node("ul", "list-unstyled mb-1");
      p.three.forEach(function (c) {
        var li = node("li", "d-flex justify-content-between gap-3");
        li.appendChild(node("span", "", c.label));
        li.appendChild(node("span", STATUS_CLASS[c.status] || "text-muted", c.status_label));
        list.appendChild(li);
      });
      figureRow(list, label("hazards"), p.open_hazards, p.hazards_url);
      figureRow(list, label("alarms"), p.open_alarms, p.alarms_url);
      box.appendChild(list);
      var links = node("div", "d-flex flex-wrap gap-2");
      links.appendChild(link(p.url, label("school")));
      links.appendChild(link(p.checklist_url, label("checklist")));
      box.appendChild(links);
    }
    return box;
  }

  var legendItems = {};
  function draw(points) {
    layer.clearLayers();
    var bounds = [];
    points.forEach(function (p) {
      var colour = p.state ? COLOURS[p.state] || PLAIN : PLAIN;
      var marker = L.circleMarker([p.lat, p.lon], { radius: p.state === "alarm" ? 9 : 7, weight: 1.5, color: "#fff",
                                                    fillOpacity: 0.95, fillColor: colour });
      marker.bindPopup(function () { return popup(p); }, { minWidth: 220 });
      marker.addTo(layer);
      if (marker._path) { marker._path.setAttribute("data-state", p.state || "plain"); }
      bounds.push([p.lat, p.lon]);
    });
    return bounds;
  }

  function fit(bounds) {
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
    else { map.setView([32.0, 119.5], 8); }
  }

  // the legend on the map is short (a phone has little room); what each colour means is written under it
  function addLegend(items, campaign) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = node("div", "bg-white border rounded shadow-sm px-2 py-1 small");
      box.id = "region-map-legend";
      box.setAttribute("aria-label", label("legend"));
      items.forEach(function (item) {
        var row = node("div", "d-flex align-items-center gap-1 text-nowrap");
        row.title = item.note;
        var dot = node("span", "d-inline-block rounded-circle");
        dot.style.width = "10px";
        dot.style.height = "10px";
        dot.style.background = COLOURS[item.key];
        row.appendChild(dot);
        row.appendChild(node("span", "", item.label));
        box.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
    var note = document.getElementById("region-map-note");
    if (note) {
      note.textContent = items.map(function (item) { return item.label + "：" + item.note; }).join("；") +
        (campaign ? "。" + label("campaign") + campaign : "");
    }
  }

  fit(draw(JSON.parse(data.textContent)));
  var source = el.getAttribute("data-figures-url");
  if (!source) { return; }
  fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (body) {
      if (!body) { return; }
      body.legend.forEach(function (item) { legendItems[item.key] = item; });
      draw(body.points);
      addLegend(body.legend, body.campaign_name);
      el.setAttribute("data-figures", "loaded");
    })
    .catch(function () { el.setAttribute("data-figures", "failed"); });
})();
