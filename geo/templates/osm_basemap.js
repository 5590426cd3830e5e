{# rendered by geo/vector_basemap.py: the offline OSM basemap, drawn by protomaps-leaflet #}
{% from "_note.js" import note %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
  var parts = {{ this.parts }}, embedded = {{ this.embedded }}, style = {{ this.style }};
  var labels = {{ this.labels }}, P = protomapsL;
  var total = parts.reduce(function(sum, p) { return sum + p[1]; }, 0), told = false;
  function unreadable() {  // once: the archive's file is gone (e.g. the cache was cleared)
    if (told || !layer._map) return;
    told = true;
    {{ note("layer._map", this.unreadable, "hz-map-note") }}
  }
  // the archive as one byte range: served parts (Streamlit serves files up to 200 MB) read with
  // HTTP range requests, or the bytes of a standalone export
  var source = {
    getKey: function() { return parts.length ? parts[0][0] : "embedded.pmtiles"; },
    getBytes: async function(offset, length, signal) {
      var end = Math.min(offset + length, total), out = new Uint8Array(Math.max(end - offset, 0));
      var start = 0;
      for (var i = 0; i < parts.length; i++) {
        var url = parts[i][0], stop = start + parts[i][1];
        var from = Math.max(offset, start), to = Math.min(end, stop);
        if (from < to) {
          var resp = await fetch(url, {signal: signal,
            headers: {Range: "bytes=" + (from - start) + "-" + (to - start - 1)}});
          if (!resp.ok) { unreadable(); throw new Error(url + ": HTTP " + resp.status); }
          var got = new Uint8Array(await resp.arrayBuffer());
          if (resp.status === 200) got = got.subarray(from - start, to - start);
          out.set(got.subarray(0, to - from), from - offset);
        }
        start = stop;
      }
      return {data: out.buffer};
    }
  };
  if (embedded) {
    var bin = atob(embedded), bytes = new Uint8Array(bin.length);
    for (var b = 0; b < bin.length; b++) bytes[b] = bin.charCodeAt(b);
    total = bytes.length;
    source = new pmtiles.FileSource(new File([bytes], "basemap.pmtiles"));
  }
  function only(classes) {
    if (!classes.length) return undefined;
    return function(z, f) { return classes.indexOf(f.props["class"]) >= 0; };
  }
  function width(stops) {
    return function(z) {
      if (z <= stops[0][0]) return stops[0][1];
      for (var i = 1; i < stops.length; i++) {
        if (z <= stops[i][0]) {
          var a = stops[i - 1], b = stops[i], t = (z - a[0]) / (b[0] - a[0]);
          return a[1] + t * (b[1] - a[1]);
        }
      }
      return stops[stops.length - 1][1];
    };
  }
  // the first of the label tags that is not empty (an empty name:zh must not hide the name)
  function named(z, f) {
    for (var i = 0; i < labels.length; i++) if (f && f.props[labels[i]]) return [labels[i]];
    return [];
  }
  var font = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif";
  var paint = style.fills.map(function(r) {
    return {dataLayer: r.layer, minzoom: r.min_zoom, filter: only(r.classes),
            symbolizer: new P.PolygonSymbolizer({fill: r.colour, opacity: r.opacity})};
  }).concat(style.lines.map(function(r) {
    var opts = {color: r.colour, width: width(r.widths), lineCap: "round", lineJoin: "round"};
    if (r.dash.length) opts.dash = r.dash;
    return {dataLayer: r.layer, minzoom: r.min_zoom, filter: only(r.classes),
            symbolizer: new P.LineSymbolizer(opts)};
  }));
  var text = style.texts.map(function(r) {
    var opts = {labelProps: named, fill: r.colour, stroke: "#FFFFFF", width: 2.5,
                fontFamily: font, fontSize: r.size};
    var symbolizer = r.along ? new P.LineLabelSymbolizer(opts) : new P.CenteredTextSymbolizer(opts);
    return {dataLayer: r.layer, minzoom: r.min_zoom, filter: only(r.classes), symbolizer: symbolizer};
  });
  var layer = P.leafletLayer({url: new pmtiles.PMTiles(source), paintRules: paint,
                              labelRules: text, backgroundColor: style.background,
                              maxDataZoom: {{ this.max_zoom }}, levelDiff: 0,
                              attribution: {{ this.attribution }}});
  // the page tells tests and the benchmark when tiles have been drawn
  function mark() { layer._map && layer._map.getContainer().setAttribute("data-osm-drawn", Date.now()); }
  layer.on("load", mark);
  layer.on("add", function() {  // a move that needs no new tile fires no "load"
    layer._map.on("moveend", function() { if (!layer.isLoading()) mark(); });
  });
  return layer;
})();
{% endmacro %}
