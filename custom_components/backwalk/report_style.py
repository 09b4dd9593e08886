"""The report page's stylesheet: A4 print layout, inline so the page fetches nothing."""

PAGE_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 182mm; color: #1d2430; font: 10pt/1.4
  system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { border-bottom: 2px solid #2a5d84; padding-bottom: 6pt; margin-bottom: 10pt;
  display: flex; justify-content: space-between; align-items: flex-end; gap: 12pt; }
h1 { font-size: 16pt; margin: 0; color: #17415f; }
h2 { font-size: 11pt; margin: 12pt 0 4pt; color: #17415f;
  border-bottom: 1px solid #d5dde5; padding-bottom: 2pt; }
.meta { text-align: right; color: #4a5563; font-size: 9pt; white-space: nowrap; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 5pt; }
.figure { border: 1px solid #d5dde5; border-radius: 4pt; padding: 4pt 6pt; }
.figure b { display: block; font-size: 13pt; color: #17415f; }
.figure span { color: #4a5563; font-size: 8.5pt; }
svg { width: 100%; height: auto; display: block; }
.grid { stroke: #e3e8ee; stroke-width: 1; }
.axis { font-size: 9px; fill: #5b6675; }
.bar { fill: #9fb8cc; }
.bar.met { fill: #2a5d84; }
.goal { stroke: #1d2430; stroke-width: 1.5; }
.pain { fill: none; stroke: #b5522b; stroke-width: 1.6; }
.dot { fill: #b5522b; }
.dot.flag { fill: #fff; stroke: #d0021b; stroke-width: 2.2; }
.threshold { stroke: #7a2f12; stroke-width: 1; stroke-dasharray: 5 4; }
.legend { color: #4a5563; font-size: 8.5pt; margin: 2pt 0 0; }
.swatch { display: inline-block; width: 9pt; height: 7pt; vertical-align: baseline; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
th, td { text-align: right; padding: 2pt 5pt; border-bottom: 1px solid #e3e8ee; }
th:first-child, td:first-child { text-align: left; }
th { color: #4a5563; font-weight: 600; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 12pt; }
ul { margin: 2pt 0; padding-left: 14pt; }
.notes td, .notes th { text-align: left; }
.notice { margin-top: 10pt; color: #5b6675; font-size: 8pt; }
section, .figures, svg, tr { break-inside: avoid; }
"""
