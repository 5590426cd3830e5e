{# rendered by geo/maps.py: a note in the map's corner, as text #}
{% macro script(this, kwargs) %}
(function() {
  var note = L.control({position: "topright"});
  note.onAdd = function() {
    var d = L.DomUtil.create("div", "hz-map-note leaflet-control");
    d.style.cssText = "background:#fff3cd;border:1px solid #d9b44a;padding:4px 8px;border-radius:4px;font-size:12px;max-width:320px";
    d.textContent = {{ this.text }};
    return d;
  };
  note.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
