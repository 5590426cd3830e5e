{# rendered by geo/layers.py #}
{% macro script(this, kwargs) %}
(function() {
  var target = {{ this._parent.get_name() }};
  var group = {{ "L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 45, disableClusteringAtZoom: 13, spiderfyOnMaxZoom: false})"
                 if this.cluster else "target" }};
  var rows = {{ this.rows }};
  var size = {{ this.size }};
  function svg(colour, hollow, shape, glyph) {
    var fill = hollow ? "#ffffff" : colour, dash = hollow ? ' stroke-dasharray="3 2"' : "";
    var s = size, h = s / 2, body;
    if (shape === "square") body = '<rect x="2" y="2" width="' + (s - 4) + '" height="' + (s - 4) + '" rx="3"';
    else if (shape === "diamond") body = '<polygon points="' + h + ',1 ' + (s - 1) + ',' + h + ' ' + h + ',' + (s - 1) + ' 1,' + h + '"';
    else if (shape === "triangle") body = '<polygon points="' + h + ',1 ' + (s - 1) + ',' + (s - 2) + ' 1,' + (s - 2) + '"';
    else body = '<circle cx="' + h + '" cy="' + h + '" r="' + (h - 2) + '"';
    var text = glyph ? '<text x="' + h + '" y="' + (h + 1) + '" text-anchor="middle" dominant-baseline="middle" font-size="' + Math.round(s * 0.55) + '" font-weight="bold" fill="' + (hollow ? colour : "#ffffff") + '">' + glyph + '</text>' : "";
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s + '">' + body + ' fill="' + fill + '" stroke="' + (hollow ? colour : "#222222") + '" stroke-width="' + (hollow ? 2.2 : 1.2) + '"' + dash + '/>' + text + '</svg>';
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
    var icon = L.divIcon({className: "{{ this.css_class }}", html: svg(r[2], r[3], r[4], r[5]),
                          iconSize: [size, size], iconAnchor: [size / 2, size / 2]});
    var m = L.marker([r[1], r[0]], {icon: icon, title: ""});
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
