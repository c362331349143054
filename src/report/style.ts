/**
 * The report's style sheet, inlined into the page (no fonts or files from the network). System fonts,
 * light and dark colour schemes, series colours `s0` … `s7`. Browser-safe.
 */
/** Viridis in 8 steps: sequential colourings (dark: low, yellow: high), legible in both schemes. */
const VIRIDIS = ['#440154', '#46327e', '#365c8d', '#277f8e', '#1fa187', '#4ac16d', '#a0da39', '#fde725'];

/**
 * The sweep report's marks (dots, lines, × of failed trials), coloured through --k by their class k-…
 * (k-c0..7 categories, k-q0..7 a sequential scale, the diagnoses, the statuses); dimmed when filtered
 * out, outlined when hovered; the table's tools, the tooltip and the legends.
 */
const SWEEP_CSS = `
${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `.k-c${i} { --k: var(--s${i}); } .k-q${i} { --k: ${VIRIDIS[i]}; }`).join('\n')}
.k-both { --k: var(--bad); } .k-bias { --k: var(--bias); } .k-variance { --k: var(--variance); }
.k-noise { --k: var(--s5); } .k-neither { --k: var(--ok); } .k-none { --k: var(--muted); }
.k-ok { --k: var(--s0); } .k-pruned { --k: var(--human); } .k-failed { --k: var(--bad); }
svg.chart .dot[data-t] { fill: var(--k, var(--s0)); stroke: var(--bg); stroke-width: 1; }
svg.chart .dot[data-t].hollow { fill: var(--bg); stroke: var(--k, var(--s0)); stroke-width: 2; }
svg.chart .dot[data-t].off { stroke: var(--fg); stroke-dasharray: 2 2; stroke-width: 1.5; }
svg.chart .fail-mark { stroke: var(--k, var(--bad)); stroke-width: 2; fill: none; }
svg.chart .best-line { fill: none; stroke: var(--fg); stroke-width: 1.5; opacity: 0.7; }
svg.chart .guide { stroke: var(--muted); stroke-width: 1; }
svg.chart .guide.threshold { stroke-dasharray: 4 4; opacity: 0.7; }
svg.chart .guide-label { fill: var(--muted); font-size: 11px; }
svg.chart .pc-line { fill: none; stroke: var(--k, var(--s0)); stroke-width: 1.5; opacity: 0.75; }
svg.chart .pc-line.pruned { stroke-dasharray: 5 3; opacity: 0.5; }
svg.chart .pc-hit { fill: transparent; cursor: ns-resize; }
svg.chart .pc-brush { fill: var(--s0); fill-opacity: 0.18; stroke: var(--s0); stroke-width: 1; pointer-events: none; }
svg.chart .pc-axis .axis { stroke: var(--muted); }
svg.chart.parallel .tick, svg.chart.parallel .axis-label { paint-order: stroke; stroke: var(--card); stroke-width: 4px; stroke-linejoin: round; }
#trials td { min-width: 0; white-space: nowrap; }
#trials td.why { min-width: 26em; white-space: normal; }
svg.chart .importance-bar { fill: var(--s0); opacity: 0.85; }
svg.chart [data-t].dim { opacity: 0.12; }
svg.chart .dot[data-t].hl { stroke: var(--fg); stroke-width: 2.5; opacity: 1; }
svg.chart .pc-line.hl { stroke-width: 4; opacity: 1; }
tr.hl td { background: var(--card); }
tr.near-best td { font-weight: 500; }
figure .note { color: var(--muted); font-size: 0.82rem; margin: 6px 0 4px; }
.colour-label { font-size: 0.8rem; color: var(--muted); white-space: nowrap; }
.colour-label select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 1px 4px; }
.legend-set { font-size: 0.8rem; color: var(--muted); margin-top: 4px; }
.legend-row .key { display: inline-block; margin-right: 12px; white-space: nowrap; color: var(--fg); }
.key-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: var(--k); margin-right: 4px; vertical-align: -1px; }
.ramp .key-swatch { border-radius: 0; width: 14px; margin: 0; }
.slices-head { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; margin-bottom: 10px; }
.table-tools { display: flex; gap: 12px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.table-tools input { font: inherit; padding: 4px 8px; min-width: 22em; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.table-tools button { font: inherit; font-size: 0.85rem; padding: 3px 10px; border: 1px solid var(--line); border-radius: 999px; background: var(--bg); color: var(--fg); cursor: pointer; }
#trial-count { color: var(--muted); font-size: 0.9rem; }
.table-wrap { max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.table-wrap thead th { position: sticky; top: 0; background: var(--bg); z-index: 1; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable:hover { color: var(--fg); }
th[aria-sort=ascending]::after { content: ' ▲'; } th[aria-sort=descending]::after { content: ' ▼'; }
.trial-tip { position: fixed; white-space: normal; max-width: 360px; }
`;

export const REPORT_CSS = `
:root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --grid: #eef1f4; --card: #f6f8fa;
  --s0: #1f6feb; --s1: #d4580a; --s2: #1a7f37; --s3: #8250df; --s4: #cf222e; --s5: #0f7b8a; --s6: #9a6700; --s7: #bf3989;
  --human: #8c959f; --train: #1f6feb; --dev: #d4580a; --bias: #f2b84b; --variance: #a475f9; --bad: #cf222e; --ok: #1a7f37;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --grid: #21262d; --card: #151b23;
    --s0: #4493f8; --s1: #f0883e; --s2: #3fb950; --s3: #ab7df8; --s4: #f85149; --s5: #39c5cf; --s6: #d29922; --s7: #db61a2;
    --human: #6e7681; --train: #4493f8; --dev: #f0883e; --bias: #d29922; --variance: #ab7df8; --bad: #f85149; --ok: #3fb950;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 0 0 8px; }
.sub { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
code { font: 0.86em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--card);
  padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; margin-top: 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .k { color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; }
.card .v { font-size: 1.45rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .v.bad { color: var(--bad); }
.card .v.text { font-size: 1.1rem; line-height: 1.9rem; }
.banner { margin-top: 20px; padding: 10px 14px; border-radius: 8px; border: 1px solid var(--bad); color: var(--bad); background: var(--card); }
.banner.note { border-color: var(--line); color: var(--fg); }
/* auto-fill, not auto-fit: a lone chart keeps a column's width instead of stretching across the page */
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 20px; }
.wide { margin-top: 20px; }
figure { margin: 0; position: relative; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 12px 6px; }
figure > .head { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; }
figure label { font-size: 0.8rem; color: var(--muted); cursor: pointer; user-select: none; border: 1px solid var(--line);
  border-radius: 999px; padding: 1px 10px; background: var(--bg); }
figure .log-toggle { position: absolute; opacity: 0; width: 1px; height: 1px; }
figure .log-toggle:checked + .head label { background: var(--s0); border-color: var(--s0); color: var(--bg); }
figure .log-toggle:focus-visible + .head label { outline: 2px solid var(--s0); outline-offset: 2px; }
figure .log-toggle:checked ~ svg .scale-linear { display: none; }
figure .log-toggle:not(:checked) ~ svg .scale-log { display: none; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
svg.chart text { fill: var(--muted); font-size: 12px; font-family: inherit; }
svg.chart .axis-label { fill: var(--fg); font-size: 13px; }
svg.chart .legend { fill: var(--fg); }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; }
svg.chart .frame, svg.chart .axis { fill: none; stroke: var(--line); stroke-width: 1; }
svg.chart .series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .dashed { stroke-dasharray: 6 4; }
svg.chart .legend-swatch { stroke-width: 3; }
svg.chart .dot { stroke: var(--bg); stroke-width: 1; }
svg.chart .dot.hollow { fill: var(--bg); stroke: var(--s0); stroke-width: 2; }
svg.chart .crosshair { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 3 3; pointer-events: none; }
svg.chart .nonfinite { fill: var(--bad); }
svg.chart .empty { fill: var(--muted); font-size: 14px; }
svg.chart .clip-note { fill: var(--bad); font-size: 12px; }
${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `svg.chart .s${i} { stroke: var(--s${i}); } svg.chart .dot.s${i} { fill: var(--s${i}); } .swatch.s${i} { background: var(--s${i}); }`).join('\n')}
svg.chart .bar-human { fill: var(--human); } svg.chart .bar-train { fill: var(--train); opacity: 0.85; } svg.chart .bar-dev { fill: var(--dev); opacity: 0.85; }
svg.chart .span { stroke: var(--fg); stroke-width: 1; stroke-dasharray: 3 2; }
svg.chart .span-bias { fill: var(--bias); } svg.chart .span-variance { fill: var(--variance); }
svg.chart .span.negative { fill-opacity: 0.35; }
svg.chart .bar-label { fill: var(--fg); font-size: 13px; }
svg.chart .span-label { fill: var(--fg); font-size: 12px; }
svg.chart .span-label.high { fill: var(--bad); font-weight: 600; }
svg.chart .noise { stroke: var(--fg); stroke-width: 1.5; fill: none; }
.tooltip { position: absolute; pointer-events: none; background: var(--bg); color: var(--fg); border: 1px solid var(--line);
  border-radius: 6px; padding: 6px 8px; font-size: 12px; line-height: 1.4; box-shadow: 0 2px 8px rgba(0,0,0,0.15);
  font-variant-numeric: tabular-nums; white-space: nowrap; z-index: 2; }
.tooltip[hidden] { display: none; }
.swatch { display: inline-block; width: 14px; height: 4px; margin-right: 8px; vertical-align: middle; border-radius: 2px; }
.tooltip .swatch { display: inline-block; width: 10px; height: 3px; margin-right: 6px; vertical-align: middle; }
.diagnosis { display: grid; grid-template-columns: minmax(300px, 1.4fr) minmax(280px, 1fr); gap: 20px; align-items: start; }
@media (max-width: 820px) { .diagnosis, .tables { grid-template-columns: 1fr; } .charts { grid-template-columns: 1fr; } }
.verdict { font-size: 1.05rem; font-weight: 600; margin: 0 0 8px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.8rem; font-weight: 600; border: 1px solid currentColor; }
.badge.high { color: var(--bad); } .badge.ok { color: var(--ok); } .badge.noise { color: var(--muted); }
ol.advice { margin: 8px 0 0; padding-left: 22px; } ol.advice li { margin: 3px 0; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 20px; align-items: start; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 500; width: 40%; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.wide th { width: 55%; }
table.compare th { width: auto; white-space: nowrap; } table.compare tbody th { color: var(--fg); }
table.compare td { min-width: 7em; }
tr.best td { font-weight: 600; }
tr.differs td { background: var(--card); font-weight: 600; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
${SWEEP_CSS}
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
`;
