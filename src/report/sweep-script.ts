/**
 * The sweep report's script: what a reader does with the trials. Plain ES2015, no innerHTML (text is set
 * with textContent), nothing fetched; the page reads fully without it.
 *
 * - Hover a mark (`[data-t]` in a chart) or a table row: the trial is highlighted everywhere, and over a
 *   mark a tooltip (`#trial-tip`) names it: rank, status, dev and train error, diagnosis, values.
 * - `select.colour-by[data-target=ID]`: recolours the marks in #ID (their `k-…` class) and shows the
 *   matching legend (`.legend-set [data-colour]`).
 * - Parallel coordinates: dragging along an axis (`rect.pc-hit`) keeps the trials whose line crosses the
 *   range; a click clears that axis. With the text box (`#trial-filter`: every word must appear in the
 *   row) it filters the table (`tr[hidden]`) and dims the other trials' marks (`.dim`).
 * - A click on a column heading sorts the table by it (again: the other way); empty cells go last.
 *
 * Its data: `<script type="application/json" id="sweep-data">` with `trials` (the hover lines, by
 * data-t), `colours` (a class per trial for each colouring) and `parallel` (each line's y per axis).
 */
export const SWEEP_SCRIPT = `
(function () {
  'use strict';
  var dataEl = document.getElementById('sweep-data');
  if (!dataEl) return;
  var data;
  try { data = JSON.parse(dataEl.textContent || ''); } catch (e) { return; }
  function each(list, f) { Array.prototype.forEach.call(list, f); }
  var table = document.getElementById('trials');
  var tbody = table && table.tBodies[0];
  var rows = tbody ? Array.prototype.slice.call(tbody.rows) : [];
  var rowText = {};
  rows.forEach(function (r) { rowText[r.getAttribute('data-t')] = (r.textContent || '').toLowerCase(); });
  var marks = document.querySelectorAll('svg [data-t]');
  var count = document.getElementById('trial-count');
  var filter = document.getElementById('trial-filter');
  var pc = data.parallel;
  var pcY = {};
  if (pc) pc.lines.forEach(function (l) { pcY[l[0]] = l.slice(1); });
  var brushes = {};

  function apply() {
    var terms = filter && filter.value ? filter.value.toLowerCase().split(/\\s+/).filter(Boolean) : [];
    var axes = Object.keys(brushes);
    var kept = {};
    var shown = 0;
    rows.forEach(function (r) {
      var v = r.getAttribute('data-t');
      var ok = terms.every(function (w) { return rowText[v].indexOf(w) >= 0; });
      if (ok && axes.length) {
        var ys = pcY[v];
        ok = !!ys && axes.every(function (a) { return ys[a] >= brushes[a][0] && ys[a] <= brushes[a][1]; });
      }
      r.hidden = !ok;
      kept[v] = ok;
      if (ok) shown++;
    });
    each(marks, function (m) { m.classList.toggle('dim', kept[m.getAttribute('data-t')] === false); });
    if (count)
      count.textContent = shown + ' of ' + rows.length + ' trials' +
        (axes.length ? ' (brushed: ' + axes.map(function (a) { return pc.axes[a]; }).join(', ') + ')' : '');
  }
  if (filter) filter.addEventListener('input', apply);

  var clear = document.getElementById('clear-filters');
  if (clear) clear.addEventListener('click', function () {
    brushes = {};
    each(document.querySelectorAll('.pc-brush'), function (b) { b.setAttribute('visibility', 'hidden'); });
    if (filter) filter.value = '';
    apply();
  });

  var pcSvg = document.getElementById('parallel-chart');
  if (pcSvg && pc) each(pcSvg.querySelectorAll('.pc-hit'), function (hit) {
    var a = hit.getAttribute('data-axis');
    var brush = pcSvg.querySelector('.pc-brush[data-axis="' + a + '"]');
    var start = null;
    function yOf(ev) {
      var m = pcSvg.getScreenCTM();
      if (!m) return pc.top;
      var p = pcSvg.createSVGPoint();
      p.x = ev.clientX; p.y = ev.clientY;
      return Math.max(pc.top, Math.min(pc.bottom, p.matrixTransform(m.inverse()).y));
    }
    function set(y0, y1, done) {
      var lo = Math.min(y0, y1), hi = Math.max(y0, y1);
      if (done && hi - lo < 3) {
        delete brushes[a];
        brush.setAttribute('visibility', 'hidden');
      } else {
        brushes[a] = [lo, hi];
        brush.setAttribute('y', String(lo));
        brush.setAttribute('height', String(hi - lo));
        brush.setAttribute('visibility', 'visible');
      }
      apply();
    }
    hit.addEventListener('pointerdown', function (ev) {
      start = yOf(ev);
      if (hit.setPointerCapture) hit.setPointerCapture(ev.pointerId);
      ev.preventDefault();
    });
    hit.addEventListener('pointermove', function (ev) { if (start !== null && Math.abs(yOf(ev) - start) >= 3) set(start, yOf(ev), false); });
    hit.addEventListener('pointerup', function (ev) { if (start !== null) set(start, yOf(ev), true); start = null; });
  });

  var sorted = { col: -1, dir: 1 };
  if (table && table.tHead) each(table.tHead.rows[0].cells, function (th) {
    function sort() {
      var col = Number(th.getAttribute('data-col'));
      var num = th.getAttribute('data-type') === 'num';
      var dir = sorted.col === col ? -sorted.dir : 1;
      sorted = { col: col, dir: dir };
      var keyed = Array.prototype.slice.call(tbody.rows).map(function (r, i) {
        var cell = r.cells[col];
        var raw = cell ? cell.getAttribute('data-v') : null;
        var text = cell ? (cell.textContent || '') : '';
        return { r: r, i: i, k: num ? (raw === null ? null : Number(raw)) : (text === '' ? null : text) };
      });
      keyed.sort(function (p, q) {
        if (p.k === null || q.k === null) return p.k === q.k ? p.i - q.i : p.k === null ? 1 : -1;
        var d = num ? p.k - q.k : String(p.k).localeCompare(String(q.k), undefined, { numeric: true });
        return d * dir || p.i - q.i;
      });
      keyed.forEach(function (e) { tbody.appendChild(e.r); });
      each(table.tHead.rows[0].cells, function (h) {
        if (h === th) h.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        else h.removeAttribute('aria-sort');
      });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); sort(); }
    });
  });

  each(document.querySelectorAll('select.colour-by'), function (sel) {
    var target = document.getElementById(sel.getAttribute('data-target') || '');
    sel.addEventListener('change', function () {
      var classes = data.colours[sel.value];
      if (!classes || !target) return;
      each(target.querySelectorAll('svg [data-t]'), function (m) {
        var base = (m.getAttribute('class') || '').replace(/(^|\\s)k-\\S+/g, '').trim();
        m.setAttribute('class', base + ' ' + classes[Number(m.getAttribute('data-t'))]);
      });
      each(target.querySelectorAll('.legend-set [data-colour]'), function (l) {
        l.hidden = l.getAttribute('data-colour') !== sel.value;
      });
    });
  });

  var tip = document.getElementById('trial-tip');
  var lit = [];
  function light(v) {
    lit.forEach(function (m) { m.classList.remove('hl'); });
    lit = v === null ? [] : Array.prototype.slice.call(document.querySelectorAll('[data-t="' + v + '"]'));
    lit.forEach(function (m) { m.classList.add('hl'); });
  }
  function place(ev) {
    var left = ev.clientX + 14, top = ev.clientY + 14;
    if (left + tip.offsetWidth > window.innerWidth - 4) left = ev.clientX - tip.offsetWidth - 14;
    if (top + tip.offsetHeight > window.innerHeight - 4) top = ev.clientY - tip.offsetHeight - 14;
    tip.style.left = Math.max(0, left) + 'px';
    tip.style.top = Math.max(0, top) + 'px';
  }
  document.addEventListener('mouseover', function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest('[data-t]') : null;
    var v = el ? el.getAttribute('data-t') : null;
    light(v);
    if (!tip) return;
    var t = v !== null && el.tagName.toLowerCase() !== 'tr' ? data.trials[Number(v)] : null;
    if (!t) { tip.hidden = true; return; }
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    t.forEach(function (line, i) {
      var div = document.createElement('div');
      div.textContent = line;
      if (i === 0) div.style.fontWeight = '600';
      tip.appendChild(div);
    });
    tip.hidden = false;
    place(ev);
  });
  document.addEventListener('mousemove', function (ev) { if (tip && !tip.hidden) place(ev); });
})();
`;
