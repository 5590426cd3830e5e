{# rendered by geo/cloud.py LayerUpdate: filter results applied to the layers already on the map #}
{% macro script(this, kwargs) %}
(function() {
  var updates = {{ this.updates }}, layers = window.hzLayers || {};
  Object.keys(updates).forEach(function(key) {
    if (layers[key]) layers[key].update(updates[key]);
  });
})();
{% endmacro %}
