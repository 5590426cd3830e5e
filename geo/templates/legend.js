{# rendered by geo/maps.py #}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var legend = L.control({position: "bottomright"}), div;
  legend.onAdd = function() {
    div = L.DomUtil.create("div", "hz-legend leaflet-control");
    div.style.cssText = "background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;" +
      "box-shadow:0 1px 4px rgba(0,0,0,.3);font:11.5px 'Noto Sans CJK SC','Microsoft YaHei'," +
      "sans-serif;max-width:240px;overflow:auto;color:#222;box-sizing:border-box";
    div.innerHTML = {{ this.html }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  // Never over a control: the legend ends below the top-right corner (the layer switcher, which
  // also lies above it when opened) and scrolls rather than running past the map's bottom.
  var corner = map._controlCorners && map._controlCorners.topright;
  if (corner) corner.style.zIndex = 1001;
  function fit() {
    var box = map.getContainer().getBoundingClientRect();
    if (box.height < 120) return;  // not laid out yet: the resize that follows fits it
    var top = corner ? corner.getBoundingClientRect().bottom - box.top : 0;
    var below = box.bottom - div.getBoundingClientRect().bottom;  // the attribution's room
    div.style.maxHeight = Math.max(48, Math.floor(box.height - top - below - 10)) + "px";
  }
  // measured in the next frame, not now: measuring while the map is being built forced a
  // layout of the whole page (21 ms of a first map's 110 ms script, measured)
  L.Util.requestAnimFrame(fit);
  setTimeout(fit, 250);
  map.on("resize", fit);
  div.addEventListener("toggle", fit, true);  // <details> unfolded: its height changed
  // a filter update names the legend rows its records need (LegendItem.key): the others hide
  window.hzLayers = window.hzLayers || {};
  window.hzLayers["_legend"] = {update: function(change) {
    var keys = {};
    (change.keys || []).forEach(function(k) { keys[k] = true; });
    div.querySelectorAll(".hz-legend-section").forEach(function(section) {
      var rows = section.querySelectorAll(".hz-legend-row[data-key]"), any = rows.length === 0;
      rows.forEach(function(row) {
        var on = keys[row.getAttribute("data-key")] === true;
        row.style.display = on ? "flex" : "none";
        any = any || on;
      });
      section.style.display = any ? "" : "none";
    });
    fit();
  }};
})();
{% endmacro %}
