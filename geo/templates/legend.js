{# rendered by geo/maps.py #}
{% macro script(this, kwargs) %}
(function() {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function() {
    var div = L.DomUtil.create("div", "hz-legend leaflet-control");
    div.style.cssText = "background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;" +
      "box-shadow:0 1px 4px rgba(0,0,0,.3);font:11.5px 'Noto Sans CJK SC','Microsoft YaHei'," +
      "sans-serif;max-height:75vh;max-width:240px;overflow:auto;color:#222";
    div.innerHTML = {{ this.html }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
