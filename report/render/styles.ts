/** The report's whole stylesheet, inlined into the page: system fonts, no web fonts, no images. */
export const REPORT_CSS = `
:root{--fg:#1c2330;--muted:#5d6778;--line:#e3e7ee;--bg:#f6f8fb;--card:#fff;--ok:#1f8a4c;--warn:#b26b00;--bad:#c23b32;--accent:#2f6fdb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1080px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:22px;margin:0 0 2px}h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:14px 0 6px}
.sub{color:var(--muted);margin:0 0 16px;word-break:break-all}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:14px 0}
.verdict{font-size:17px;font-weight:600;border-left:6px solid var(--ok)}
.verdict.warn{border-left-color:var(--warn)}.verdict.bad{border-left-color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:var(--bg);border-radius:6px;padding:8px 10px}
.card b{display:block;font-size:19px}.card span{color:var(--muted);font-size:12px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:760px){.cols{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.url{word-break:break-all;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
td.msg{color:var(--muted);word-break:break-word}
tr.other td{font-style:italic;color:var(--muted)}
.err{color:var(--bad)}.good{color:var(--ok)}
.meter{display:inline-block;height:8px;background:var(--accent);border-radius:2px;vertical-align:middle;opacity:.7}
.meter.bad{background:var(--bad)}
.stats{color:var(--muted);margin:6px 0 0}
.note{color:var(--muted);font-style:italic}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
pre{white-space:pre-wrap;word-break:break-all;margin:0}
svg.chart{width:100%;height:auto;display:block}
.chart .bar{fill:var(--accent);opacity:.75}.chart .axis{stroke:#9aa3b2}.chart .grid{stroke:var(--line)}
.chart .tick{stroke:#9aa3b2}.chart .tick-label{fill:var(--muted);font-size:11px}
.chart .marker{stroke-width:1.5;stroke-dasharray:4 3}.chart .marker-label{font-size:11px;font-weight:600}
.chart .m0{stroke:var(--ok);fill:var(--ok)}.chart .m1{stroke:var(--warn);fill:var(--warn)}.chart .m2{stroke:var(--bad);fill:var(--bad)}
.chart text.marker-label{stroke:none}
footer{color:var(--muted);font-size:12px;margin-top:18px}
`
  .trim()
  .replace(/\n/g, '');
