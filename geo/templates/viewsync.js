{# rendered by geo/maps.py: keeps the map view in the page URL (?view=lat,lon,zoom) #}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  var key = {{ this.param }}, store = "hz-view:" + {{ this.scope }};
  // st_folium draws the map in a same-origin iframe: the address bar belongs to the parent
  var win = window;
  try { if (window.parent && window.parent.location.href) { win = window.parent; } } catch (e) {}
  function parse(text) {
    if (!text) { return null; }
    var parts = String(text).split(",").map(Number);
    var ok = parts.length === 3 && parts.every(isFinite) && Math.abs(parts[0]) <= 90 &&
             Math.abs(parts[1]) <= 180 && parts[2] >= 1 && parts[2] <= 19;
    return ok ? parts : null;
  }
  var initial = null;
  try { initial = parse(new URLSearchParams(win.location.search).get(key)); } catch (e) {}
  if (!initial) {
    try { initial = parse(win.sessionStorage.getItem(store)); } catch (e) {}
  }
  if (initial) { map.setView([initial[0], initial[1]], initial[2], {animate: false}); }
  window.hzViewRestored = !!initial;  // fit.js: this view wins over the first update's box
  function write() {
    var c = map.getCenter();
    var view = [c.lat.toFixed(5), c.lng.toFixed(5), Math.round(map.getZoom() * 4) / 4].join(",");
    try { win.sessionStorage.setItem(store, view); } catch (e) {}
    try {
      var url = new URL(win.location.href);
      url.searchParams.set(key, view);
      win.history.replaceState(win.history.state, "", url.toString());
    } catch (e) {}
  }
  map.on("moveend", write);
  write();
  // A rerun of the page rewrites the address from the server, which knows no pan: put the view
  // back whenever the address lost it or holds another (cheap: a string compare twice a second).
  setInterval(function() {
    try {
      var c = map.getCenter();
      var view = [c.lat.toFixed(5), c.lng.toFixed(5), Math.round(map.getZoom() * 4) / 4].join(",");
      if (new URLSearchParams(win.location.search).get(key) !== view) { write(); }
    } catch (e) {}
  }, 500);
})();
{% endmacro %}
