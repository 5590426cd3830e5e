{# rendered by geo/maps.py #}
{% from "_note.js" import note %}
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
    {{ note("map", this.notice, "hz-offline-note") }}
  }
  tiles.forEach(function(t) {
    t.on("tileload", function() { loads++; });
    t.on("tileerror", function() { errors++; if (errors >= 4) fallBack(); });
  });
  setTimeout(fallBack, {{ this.timeout_ms }});
})();
{% endmacro %}
