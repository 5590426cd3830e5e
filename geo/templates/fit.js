{# rendered by geo/maps.py FitOnUpdate: a filter update may frame the map on a box #}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var last = null, first = true;
  window.hzLayers = window.hzLayers || {};
  // {bounds: [[south, west], [north, east]]}: fitted when it differs from the last one fitted,
  // so other filter changes leave a panned view alone; on the map's first update a view the
  // link or the session brought (viewsync.js) wins
  window.hzLayers["_fit"] = {update: function(change) {
    var key = JSON.stringify(change.bounds);
    var keep = first && window.hzViewRestored;
    first = false;
    if (key === last) return;
    last = key;
    if (keep || !change.bounds) return;
    map.fitBounds(change.bounds, {paddingTopLeft: [10, 10],
                                  paddingBottomRight: [{{ this.pad_right }}, 10], animate: false});
  }};
})();
{% endmacro %}
