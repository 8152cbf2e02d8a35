// Region page: schools as points on a Leaflet map. The base layer comes from MAP_TILE_URL (an intranet
// tile server); without one the map shows the points alone, so nothing is fetched from the internet.
(function () {
  var el = document.getElementById("region-map");
  var data = document.getElementById("region-map-points");
  if (!el || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  var tiles = el.getAttribute("data-tile-url");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }
  var colours = { kindergarten: "#e67e22", primary: "#2e86de", teaching_point: "#2e86de", junior: "#10ac84",
                  nine_year: "#10ac84", senior: "#8e44ad", complete: "#8e44ad", vocational: "#c0392b", special: "#7f8c8d" };
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], { radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9,
                                                  fillColor: colours[p.type] || "#0b3d91" });
    var link = document.createElement("a");
    link.href = "/schools/" + p.id + "/";
    link.textContent = p.name;
    marker.bindPopup(link);
    marker.addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([32.0, 119.5], 8); }
})();
