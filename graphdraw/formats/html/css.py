"""The page's style sheet: typography, the diagram, CSS-only tooltips, tables, print."""

CSS = """\
:root { color-scheme: light; --ink: #1f2328; --muted: #5f6368; --rule: #d9d9d9;
  --soft: #f6f7f8; --accent: #9c2f2f; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #ffffff; color: var(--ink);
  font: 17px/1.55 Charter, "Bitstream Charter", "Sitka Text", Cambria, "Liberation Serif",
    "Times New Roman", serif;
  font-kerning: normal; }
main { padding: 2.2rem 1.25rem 3rem; }
.column { max-width: 48rem; margin-left: auto; margin-right: auto; }
h1 { font-size: 1.85rem; line-height: 1.2; font-weight: 700; margin: 0 0 0.3rem; }
h2 { font-size: 1.3rem; line-height: 1.25; font-weight: 700; margin: 2.4rem 0 0.6rem;
  padding-bottom: 0.25rem; border-bottom: 1px solid var(--rule); }
p { margin: 0.5rem 0 0.9rem; }
.meta { color: var(--muted); font-size: 0.95rem; margin: 0; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "TeX Gyre Termes Math",
  math; font-size: 1.05em; }
math[display="block"] { margin: 0; }
code, pre, .tex { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }
figure { margin: 1.6rem 0 0.5rem; }
.graph { position: relative; width: fit-content; max-width: 100%; margin: 0 auto; }
.graph > svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: 0.8rem; color: var(--muted); font-size: 0.92rem; line-height: 1.5; }
.hover { position: absolute; inset: 0; pointer-events: none; }
.hot { position: absolute; pointer-events: none; outline: none; }
.hot > svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible;
  pointer-events: none; }
.hot .hit { pointer-events: all; cursor: help; fill: transparent; stroke: transparent;
  stroke-width: 4px; vector-effect: non-scaling-stroke; }
.hot .hit.line { fill: none; pointer-events: stroke; stroke-width: 14px; }
.hot .mark { pointer-events: none; fill: none; stroke: none; stroke-width: 2.4px;
  vector-effect: non-scaling-stroke; }
.hot:is(:hover, :focus-visible) { z-index: 5; }
.hot:is(:hover, :focus-visible) .mark { stroke: var(--accent); }
.hot.edge:is(:hover, :focus-visible) polygon.mark { fill: var(--accent); }
.tip { display: none; position: absolute; z-index: 10; width: max-content;
  max-width: min(26rem, 92vw); margin: 6px 0; padding: 0.55rem 0.8rem 0.6rem;
  background: #ffffff; border: 1px solid #c9ccd1; border-radius: 6px;
  box-shadow: 0 6px 20px rgba(0, 0, 0, 0.16); font-size: 0.92rem; line-height: 1.45;
  text-align: left; pointer-events: none; }
.hot:is(:hover, :focus-visible) > .tip { display: block; }
.hot.edge > .tip { margin: 0; }
.hint { color: var(--muted); font-size: 0.92rem; line-height: 1.5; margin-top: 0.8rem; }
.tip-head { display: flex; align-items: baseline; gap: 0.6rem; margin-bottom: 0.35rem;
  padding-bottom: 0.3rem; border-bottom: 1px solid var(--rule); }
.tip-name math { font-size: 1.25em; }
.tip-kind { color: var(--muted); font-size: 0.85rem; }
.tip dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.75rem;
  margin: 0; align-items: baseline; }
.tip dt { color: var(--muted); font-size: 0.8rem; font-variant: small-caps;
  letter-spacing: 0.03em; }
.tip dd { margin: 0; }
.tip-foot { margin-top: 0.35rem; color: var(--muted); font-size: 0.78rem; }
.muted { color: var(--muted); font-size: 0.85rem; }
.summary { font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
table.equations td { padding: 0.3rem 0.2rem; vertical-align: middle; }
table.equations math { math-style: normal; }
table.equations td.lhs { text-align: right; padding-right: 0.1rem; }
table.equations td.eq { text-align: center; width: 1.6rem; }
table.equations td.rhs { text-align: left; padding-right: 1.5rem; }
table.equations td.value { text-align: right; color: var(--muted); padding-left: 1rem;
  border-left: 1px solid var(--rule); }
table.numbers { min-width: 70%; font-variant-numeric: tabular-nums; }
table.numbers th { font-weight: 600; font-size: 0.9rem; text-align: left;
  border-bottom: 1.5px solid var(--ink); padding: 0.35rem 1rem 0.35rem 0; }
table.numbers td { padding: 0.35rem 1rem 0.35rem 0; border-bottom: 1px solid var(--rule);
  vertical-align: middle; }
table.numbers tr:last-child td { border-bottom: 1.5px solid var(--ink); }
details { margin-top: 2.2rem; }
summary { cursor: pointer; color: var(--muted); }
pre { background: var(--soft); border: 1px solid var(--rule); border-radius: 6px;
  padding: 0.8rem 1rem; overflow-x: auto; line-height: 1.45; }
footer { margin-top: 2.5rem; padding-top: 0.8rem; border-top: 1px solid var(--rule);
  color: var(--muted); font-size: 0.85rem; }
@media print {
  .tip { display: none !important; }
  main { padding: 0; }
  .hint, .hover { display: none; }
}
"""
