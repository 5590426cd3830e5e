{# rendered by geo/cloud.py: many points on one canvas; see the module docstring #}
{% macro script(this, kwargs) %}
(function() {
  var group = {{ this._parent.get_name() }};
  var data = {{ this.data }}, opts = {{ this.options }}, texts = opts.texts || {};
  function bytes(text) {
    var s = atob(text), a = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
    return a;
  }
  function u32(text) { return text ? new Uint32Array(bytes(text).buffer) : new Uint32Array(0); }
  var n = data.n, xs = new Uint16Array(bytes(data.x).buffer), ys = new Uint16Array(bytes(data.y).buffer);
  var cats = bytes(data.c), b = data.b;
  // normalised Web Mercator (0…1) once; a redraw is then two multiply-adds per point
  var u = new Float64Array(n), v = new Float64Array(n);
  var sx = (b[2] - b[0]) / 65535, sy = (b[3] - b[1]) / 65535;
  for (var i = 0; i < n; i++) {
    var s = Math.sin((b[1] + ys[i] * sy) * Math.PI / 180);
    u[i] = (b[0] + xs[i] * sx + 180) / 360;
    v[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  var every = new Int32Array(n);
  for (var i = 0; i < n; i++) every[i] = i;
  var shown = every, baseBins = unpackBins({{ this.bins }}), bins = baseBins;
  var dpr = window.devicePixelRatio || 1, r = opts.radius, seq = 0;

  function unpackBins(g) { return {x0: g.x0, y0: g.y0, d: g.d, nx: g.nx, i: u32(g.i), n: u32(g.n), max: g.max}; }
  function sprite(colour, hollow) {
    var size = Math.ceil((2 * r + 3) * dpr), c = document.createElement("canvas");
    c.width = c.height = size;
    var x = c.getContext("2d");
    x.scale(dpr, dpr);
    x.beginPath();
    x.arc(size / dpr / 2, size / dpr / 2, r, 0, 2 * Math.PI);
    if (hollow) { x.fillStyle = "#ffffff"; x.fill(); x.strokeStyle = colour; x.lineWidth = 1.6; x.stroke(); }
    else { x.fillStyle = colour; x.fill(); x.strokeStyle = "rgba(0,0,0,0.55)"; x.lineWidth = 0.7; x.stroke(); }
    return c;
  }
  var stamps = [];
  for (var k = 0; k < 256; k++) {
    var colour = data.colours[k & 0x7f];
    if (!colour) { stamps.push(null); continue; }
    var img = sprite(colour, (k & 0x80) !== 0);
    var pixels = img.getContext("2d").getImageData(0, 0, img.width, img.height).data;
    stamps.push({size: img.width, half: Math.floor(img.width / 2),
                 px: new Uint32Array(pixels.buffer.slice(0))});
  }
  var RAMP = ["#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"];

  var Cloud = L.Layer.extend({
    onAdd: function(map) {
      this._canvas = L.DomUtil.create("canvas", "hz-cloud leaflet-layer");
      this._canvas.style.pointerEvents = "none";
      map.getPane("overlayPane").appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this.schedule, this);
      map.on("zoomstart", this._hide, this);
      map.on("click", this._click, this);
      this.schedule();
    },
    onRemove: function(map) {
      map.off("moveend zoomend resize viewreset", this.schedule, this);
      map.off("zoomstart", this._hide, this);
      map.off("click", this._click, this);
      L.DomUtil.remove(this._canvas);
    },
    _hide: function() { this._canvas.style.visibility = "hidden"; },
    // one draw per frame, after the view settles (folium fits the bounds after adding layers)
    schedule: function() {
      var self = this;
      if (self._pending) return;
      self._pending = true;
      L.Util.requestAnimFrame(function() { self._pending = false; self.redraw(); });
    },
    _frame: function() {
      var map = this._map, tl = map.containerPointToLayerPoint([0, 0]), o = map.getPixelOrigin();
      return {size: map.getSize(), tl: tl, ox: o.x + tl.x, oy: o.y + tl.y,
              scale: 256 * Math.pow(2, map.getZoom())};
    },
    binned: function() {
      // counts instead of points while the view holds more points than can be told apart
      return this._map.getZoom() < opts.binZoom && bins.i.length > 0 && shown.length > opts.binMin &&
        this._inView(this._frame()) > opts.binMin;
    },
    redraw: function() {
      if (!this._map) return;
      var f = this._frame(), c = this._canvas, ctx = c.getContext("2d");
      L.DomUtil.setPosition(c, f.tl);
      c.width = Math.round(f.size.x * dpr); c.height = Math.round(f.size.y * dpr);
      c.style.width = f.size.x + "px"; c.style.height = f.size.y + "px";
      c.style.visibility = "visible";
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      var mode = this.binned() ? "bins" : "points";
      if (mode === "bins") this._drawBins(ctx, f); else this._drawPoints(ctx, f);
      // for benchmarks and tests: what was drawn, and when (ms since navigation; epoch ms)
      var drawn = {layer: opts.key, n: shown.length, mode: mode, t: performance.now(),
                   at: Date.now(), seq: ++seq};
      window.hzDrawnBy = window.hzDrawnBy || {};
      window.hzDrawnBy[opts.key] = drawn;
      if (opts.key === "enterprises") window.hzDrawn = drawn;
    },
    _drawPoints: function(ctx, f) {
      // each point stamps its sprite's pixels into one buffer, put once: ~10x faster than a
      // drawImage per point on a software canvas, and the cost no longer grows with overlap
      var c = this._canvas, W = c.width, H = c.height;
      if (!this._img || this._img.width !== W || this._img.height !== H) {
        this._img = ctx.createImageData(W, H);
        this._buf = new Uint32Array(this._img.data.buffer);
      } else this._buf.fill(0);
      var buf = this._buf;
      for (var j = 0; j < shown.length; j++) {
        var i = shown[j], st = stamps[cats[i]], size = st.size;
        var x0 = Math.round((u[i] * f.scale - f.ox) * dpr) - st.half;
        var y0 = Math.round((v[i] * f.scale - f.oy) * dpr) - st.half;
        if (x0 <= -size || y0 <= -size || x0 >= W || y0 >= H) continue;
        var inside = x0 >= 0 && y0 >= 0 && x0 + size <= W && y0 + size <= H;
        for (var dy = 0, k = 0; dy < size; dy++) {
          var y = y0 + dy, row = y * W;
          for (var dx = 0; dx < size; dx++, k++) {
            var px = st.px[k];
            if (px === 0) continue;
            var x = x0 + dx;
            if (inside || (x >= 0 && x < W && y >= 0 && y < H)) buf[row + x] = px;
          }
        }
      }
      ctx.putImageData(this._img, 0, 0);
    },
    _inView: function(f) {
      var count = 0, w = f.size.x, h = f.size.y;
      for (var j = 0; j < shown.length; j++) {
        var i = shown[j], px = u[i] * f.scale - f.ox, py = v[i] * f.scale - f.oy;
        if (px >= 0 && py >= 0 && px <= w && py <= h) count++;
      }
      return count;
    },
    _cellPoint: function(lon, lat, f) {
      var s = Math.sin(lat * Math.PI / 180);
      return [((lon + 180) / 360) * f.scale - f.ox,
              (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * f.scale - f.oy];
    },
    _drawBins: function(ctx, f) {
      var top = Math.log(bins.max + 1);
      ctx.globalAlpha = 0.75;
      for (var j = 0; j < bins.i.length; j++) {
        var cell = bins.i[j], ix = cell % bins.nx, iy = Math.floor(cell / bins.nx);
        var lon = bins.x0 + ix * bins.d, lat = bins.y0 + iy * bins.d;
        var a = this._cellPoint(lon, lat + bins.d, f), z = this._cellPoint(lon + bins.d, lat, f);
        if (z[0] < 0 || z[1] < 0 || a[0] > f.size.x || a[1] > f.size.y) continue;
        var step = Math.min(RAMP.length - 1, Math.floor(Math.log(bins.n[j] + 1) / top * RAMP.length));
        ctx.fillStyle = RAMP[step];
        ctx.fillRect(a[0], a[1], Math.max(1, z[0] - a[0]), Math.max(1, z[1] - a[1]));
      }
      ctx.globalAlpha = 1;
    },
    _hits: function(p, f) {
      var reach = r + 3, found = [];
      for (var j = 0; j < shown.length; j++) {
        var i = shown[j], dx = u[i] * f.scale - f.ox - p.x, dy = v[i] * f.scale - f.oy - p.y;
        if (dx * dx + dy * dy <= reach * reach) found.push([dx * dx + dy * dy, i]);
      }
      found.sort(function(a, b2) { return a[0] - b2[0]; });
      return found.map(function(h) { return h[1]; });
    },
    _click: function(e) {
      var map = this._map;
      if (this.binned()) { map.setView(e.latlng, Math.max(map.getZoom() + 2, opts.binZoom)); return; }
      var hits = this._hits(e.containerPoint, this._frame());  // the canvas spans the container
      if (!hits.length) return;
      var i = hits[0], lat = b[1] + ys[i] * sy, lon = b[0] + xs[i] * sx;
      var popup = L.popup({maxWidth: 340}).setLatLng([lat, lon]).setContent(texts.loading || "…");
      popup.openOn(map);
      details(hits.slice(0, 10), function(rows) { popup.setContent(content(hits, rows)); });
    },
    update: function(change) {
      if (change.all) { shown = every; bins = baseBins; }  // no filter: the layer's own points
      if (change.mask !== undefined) {
        var bits = bytes(change.mask), list = [];
        for (var i = 0; i < n; i++) if (bits[i >> 3] & (1 << (i & 7))) list.push(i);
        shown = Int32Array.from(list);
      }
      if (change.bins) bins = unpackBins(change.bins);
      if (this._map) this.redraw();  // now, not next frame: the update is what the user waits for
    }
  });

  var chunks = {};
  function chunk(k) {
    if (!opts.detailUrl) return Promise.resolve(null);
    if (!chunks[k]) chunks[k] = fetch(opts.detailUrl.replace("{chunk}", k))
      .then(function(res) { if (!res.ok) throw new Error(res.status); return res.json(); })
      .catch(function() { delete chunks[k]; return null; });
    return chunks[k];
  }
  function details(ids, done) {
    Promise.all(ids.map(function(i) { return chunk(Math.floor(i / opts.chunk)); })).then(function(got) {
      done(ids.map(function(i, j) { return got[j] ? got[j][i % opts.chunk] : null; }));
    });
  }
  function escape(t) { var d = document.createElement("div"); d.textContent = t; return d.innerHTML; }
  function content(hits, rows) {
    if (!rows[0]) return '<div class="hz-popup">' + escape(texts.noDetail || "") + '</div>';
    if (hits.length === 1) return rows[0][1];
    var head = (texts.many || "{n}").replace("{n}", hits.length), box = document.createElement("div");
    box.className = "hz-popup";
    box.innerHTML = '<div style="font-weight:700;margin-bottom:4px">' + escape(head) + "</div>";
    rows.forEach(function(row) {
      if (!row) return;
      var a = document.createElement("a");
      a.href = "#"; a.textContent = row[0]; a.style.display = "block";
      a.onclick = function(ev) { ev.preventDefault(); box.innerHTML = row[1]; };
      box.appendChild(a);
    });
    if (hits.length > rows.length) {
      var more = document.createElement("div");
      more.style.color = "#555";
      more.textContent = (texts.more || "+{n}").replace("{n}", hits.length - rows.length);
      box.appendChild(more);
    }
    return box;
  }

  var layer = new Cloud();
  group.addLayer(layer);
  window.hzLayers = window.hzLayers || {};
  window.hzLayers[opts.key] = layer;
})();
{% endmacro %}
