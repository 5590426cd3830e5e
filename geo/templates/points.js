{# rendered by geo/layers.py #}
{% macro script(this, kwargs) %}
(function() {
  var target = {{ this._parent.get_name() }};
  var pane = {{ this.pane|tojson }};
  var group = {{ "L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 45, disableClusteringAtZoom: 13, spiderfyOnMaxZoom: false, clusterPane: pane})"
                 if this.cluster else "target" }};
  // Only the drawn shape takes the mouse, not its square box: a click near a diamond's corner
  // reaches the symbol under the cursor, not a neighbour's transparent box on top of it.
  if (!document.getElementById("hz-points-css")) {
    var css = document.createElement("style");
    css.id = "hz-points-css";
    css.textContent = ".hz-pt.leaflet-marker-icon{pointer-events:none!important;background:none;border:none}" +
      ".hz-pt svg{overflow:visible}.hz-pt .hz-hit{pointer-events:visiblePainted;cursor:pointer}";
    document.head.appendChild(css);
  }
  var rows = {{ this.rows }};
  var size = {{ this.size }};
  // a thin line from a symbol moved off its point (dx, dy pixels) back to it, stopping `lead`
  // pixels short of it: records sharing a seat read as one group around it
  function leader(dx, dy, lead) {
    if (!dx && !dy) return "";
    var h = size / 2, r = Math.sqrt(dx * dx + dy * dy), f = (r - lead) / r;
    return '<line class="hz-leader" x1="' + h + '" y1="' + h + '" x2="' + (h - dx * f) + '" y2="' + (h - dy * f) +
      '" stroke="#555" stroke-width="1" stroke-opacity="0.6" pointer-events="none"/>';
  }
  function svg(colour, hollow, shape, glyph, lines) {
    var fill = hollow ? "#ffffff" : colour, dash = hollow ? ' stroke-dasharray="3 2"' : "";
    var s = size, h = s / 2, body;
    if (shape === "square") body = '<rect x="2" y="2" width="' + (s - 4) + '" height="' + (s - 4) + '" rx="3"';
    else if (shape === "diamond") body = '<polygon points="' + h + ',1 ' + (s - 1) + ',' + h + ' ' + h + ',' + (s - 1) + ' 1,' + h + '"';
    else if (shape === "triangle") body = '<polygon points="' + h + ',1 ' + (s - 1) + ',' + (s - 2) + ' 1,' + (s - 2) + '"';
    else body = '<circle cx="' + h + '" cy="' + h + '" r="' + (h - 2) + '"';
    var text = glyph ? '<text class="hz-hit" x="' + h + '" y="' + (h + 1) + '" text-anchor="middle" dominant-baseline="middle" font-size="' + Math.round(s * 0.55) + '" font-weight="bold" fill="' + (hollow ? colour : "#ffffff") + '">' + glyph + '</text>' : "";
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s + '">' + (lines || "") + body + ' class="hz-hit" fill="' + fill + '" stroke="' + (hollow ? colour : "#222222") + '" stroke-width="' + (hollow ? 2.2 : 1.2) + '"' + dash + '/>' + text + '</svg>';
  }
  // Icons placed with left/top instead of Leaflet's translate3d: a 3D transform gave each icon
  // its own compositor layer (108 layers with every park shown, 34 without), and Chromium
  // re-layerises them on every frame of a filter change.
  function place(pos) {
    var el = this._icon;
    if (el) {
      el._leaflet_pos = pos;  // what L.DomUtil.getPosition reads back
      el.style.transform = "";
      el.style.left = pos.x + "px";
      el.style.top = pos.y + "px";
    }
    this._zIndex = pos.y + this.options.zIndexOffset;
    this._resetZIndex();
  }
  var markers = [];
  for (var i = 0; i < rows.length; i++) {
    var r = rows[i];
    var dx = r[8] || 0, dy = r[9] || 0;
    var icon = L.divIcon({className: "{{ this.css_class }} hz-pt",
                          html: svg(r[2], r[3], r[4], r[5], leader(dx, dy, r[10] || 0)),
                          iconSize: [size, size], iconAnchor: [size / 2 - dx, size / 2 - dy],
                          popupAnchor: [dx, dy - size / 2], tooltipAnchor: [dx, dy]});
    var m = L.marker([r[1], r[0]], {icon: icon, title: "", pane: pane});
    if (group === target) m._setPos = place;  // clusters animate their icons' transform
    if (r[6]) m.bindPopup(r[6], {maxWidth: 340});
    if (r[7]) m.bindTooltip(r[7]);
    markers.push(m);
  }
  function show(list) {
    if (group.addLayers) group.addLayers(list);  // the cluster group adds in bulk
    else list.forEach(function(m) { group.addLayer(m); });
  }
  show(markers);
  if (group !== target) target.addLayer(group);
  {% if this.key %}
  window.hzLayers = window.hzLayers || {};
  window.hzLayers[{{ this.key|tojson }}] = {update: function(change) {
    if (change.mask === undefined) return;
    var s = atob(change.mask);
    group.clearLayers();
    show(markers.filter(function(m, i) { return (s.charCodeAt(i >> 3) >> (i & 7)) & 1; }));
    // for benchmarks and tests, per layer; window.hzDrawn is the enterprises' (as in cloud.js)
    window.hzDrawnBy = window.hzDrawnBy || {};
    var last = window.hzDrawnBy[{{ this.key|tojson }}];
    var drawn = {layer: {{ this.key|tojson }}, n: group.getLayers().length, mode: "markers",
                 t: performance.now(), at: Date.now(), seq: last ? last.seq + 1 : 1};
    window.hzDrawnBy[drawn.layer] = drawn;
    if (drawn.layer === "enterprises") window.hzDrawn = drawn;
  }};
  {% endif %}
})();
{% endmacro %}
