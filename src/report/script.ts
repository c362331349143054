/**
 * The report page's only script: hover read-outs on the line charts. Plain ES2015 that uses no
 * innerHTML (values are set with textContent) and does nothing when a chart has no data. Browser-safe.
 *
 * Each chart `<svg class="chart" id="ID" data-x="x0,x1,px0,px1">` may have a
 * `<script type="application/json" id="ID-data">` with `{ xLabel, percent, series: [{ name, color, points: [[x, y|null], …] }] }`
 * (x ascending). Moving over the plot shows a crosshair and each series' value at the nearest x.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  function fmt(v, percent) {
    if (v === null || typeof v !== 'number' || !isFinite(v)) return 'not finite (diverged)';
    if (percent) return (v * 100).toFixed(Math.abs(v) < 0.01 && v !== 0 ? 2 : 1) + '%';
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(3);
    return String(Number(v.toPrecision(6)));
  }
  function nearest(points, x) {
    var lo = 0, hi = points.length - 1;
    if (hi < 0) return null;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (points[mid][0] < x) lo = mid; else hi = mid;
    }
    return Math.abs(points[lo][0] - x) <= Math.abs(points[hi][0] - x) ? points[lo] : points[hi];
  }
  var charts = document.querySelectorAll('svg.chart[data-x]');
  Array.prototype.forEach.call(charts, function (svg) {
    var dataEl = document.getElementById(svg.id + '-data');
    var fig = svg.closest('figure');
    var tip = fig && fig.querySelector('.tooltip');
    var cross = svg.querySelector('.crosshair');
    if (!dataEl || !fig || !tip || !cross) return;
    var data;
    try { data = JSON.parse(dataEl.textContent || ''); } catch (e) { return; }
    if (!data || !data.series || !data.series.length) return;
    var m = String(svg.getAttribute('data-x')).split(',').map(Number);
    var x0 = m[0], x1 = m[1], px0 = m[2], px1 = m[3];
    function hide() { tip.hidden = true; cross.setAttribute('visibility', 'hidden'); }
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('mousemove', function (ev) {
      var ctm = svg.getScreenCTM();
      if (!ctm) return;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      var p = pt.matrixTransform(ctm.inverse());
      if (p.x < px0 || p.x > px1 || px1 === px0) { hide(); return; }
      var xv = x0 + (p.x - px0) / (px1 - px0) * (x1 - x0);
      var rows = [];
      var snapX = null;
      data.series.forEach(function (s) {
        var q = nearest(s.points, xv);
        if (!q) return;
        if (snapX === null) snapX = q[0];
        rows.push({ name: s.name, color: s.color, x: q[0], y: q[1] });
      });
      if (snapX === null) { hide(); return; }
      while (tip.firstChild) tip.removeChild(tip.firstChild);
      var head = document.createElement('div');
      head.textContent = data.xLabel + ' ' + snapX;
      head.style.fontWeight = '600';
      tip.appendChild(head);
      rows.forEach(function (r) {
        var line = document.createElement('div');
        var sw = document.createElement('span');
        sw.className = 'swatch ' + r.color;
        line.appendChild(sw);
        line.appendChild(document.createTextNode(r.name + ': ' + fmt(r.y, data.percent) + (r.x !== snapX ? ' (at ' + r.x + ')' : '')));
        tip.appendChild(line);
      });
      var sx = px0 + (snapX - x0) / ((x1 - x0) || 1) * (px1 - px0);
      cross.setAttribute('x1', String(sx));
      cross.setAttribute('x2', String(sx));
      cross.setAttribute('visibility', 'visible');
      var box = fig.getBoundingClientRect();
      tip.hidden = false;
      var left = ev.clientX - box.left + 14;
      if (left + tip.offsetWidth > box.width) left = ev.clientX - box.left - tip.offsetWidth - 14;
      tip.style.left = Math.max(0, left) + 'px';
      tip.style.top = Math.max(0, ev.clientY - box.top + 14) + 'px';
    });
  });
})();
`;
