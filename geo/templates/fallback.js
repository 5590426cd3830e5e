{# rendered by geo/maps.py #}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  map.getContainer().style.background = "{{ this.background }}";
  var tiles = [{% for t in this.tiles %}{{ t }}{% if not loop.last %},{% endif %}{% endfor %}];
  if (!tiles.length) return;
  var loads = 0, errors = 0, done = false;
  function fallBack() {
    if (done || loads > 0) return;
    done = true;
    tiles.forEach(function(t) { map.removeLayer(t); });
    var note = L.control({position: "topright"});
    note.onAdd = function() {
      var d = L.DomUtil.create("div", "hz-offline-note leaflet-control");
      d.style.cssText = "background:#fff3cd;border:1px solid #d9b44a;padding:4px 8px;border-radius:4px;font-size:12px";
      d.textContent = {{ this.notice }};
      return d;
    };
    note.addTo(map);
  }
  tiles.forEach(function(t) {
    t.on("tileload", function() { loads++; });
    t.on("tileerror", function() { errors++; if (errors >= 4) fallBack(); });
  });
  setTimeout(fallBack, {{ this.timeout_ms }});
})();
{% endmacro %}
