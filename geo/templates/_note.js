{# one look for every note the map shows in its corner (a text, never HTML) #}
{% macro note(map, text, css_class) -%}
(function(map) {
  var note = L.control({position: "topright"});
  note.onAdd = function() {
    var d = L.DomUtil.create("div", "{{ css_class }} leaflet-control");
    d.style.cssText = "background:#fff3cd;border:1px solid #d9b44a;padding:4px 8px;border-radius:4px;font-size:12px;max-width:320px";
    d.textContent = {{ text }};
    return d;
  };
  note.addTo(map);
})({{ map }});
{%- endmacro %}
