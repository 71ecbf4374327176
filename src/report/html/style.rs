//! The page's style sheet, for screen and print, in the colours of the
//! app's light palette. It holds no `<` or `&`, so the page stays
//! well-formed XML.

use crate::visual::{Palette, Theme};

/// The style sheet.
pub fn css() -> String {
    let p = Palette::of(Theme::Light);
    let vars = format!(
        ":root {{ color-scheme: light; --text: {}; --muted: {}; --canvas: {}; --grid: {}; --line: {}; --highlight: {}; --problem: {}; --ok: {}; --accent: {}; }}\n",
        p.text.to_hex(),
        p.text_muted.to_hex(),
        p.canvas.to_hex(),
        p.grid.to_hex(),
        p.node_stroke.to_hex(),
        p.highlight.to_hex(),
        p.problem.to_hex(),
        p.ok.to_hex(),
        p.selection.to_hex(),
    );
    vars + RULES
}

const RULES: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: var(--text); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 36px 32px 56px; }
h1 { font-size: 30px; line-height: 1.2; margin: 2px 0 12px; }
h2 { font-size: 21px; margin: 44px 0 14px; padding-bottom: 6px; border-bottom: 1px solid var(--grid); }
h3 { font-size: 16px; margin: 0 0 6px; line-height: 1.35; }
p { margin: 6px 0; }
a { color: var(--accent); }
.kicker { margin: 0; font-size: 12px; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); }
.description { max-width: 780px; }
.meta { color: var(--muted); font-size: 13px; }
nav ul { list-style: none; padding: 0; margin: 14px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; }
.headline { margin: 18px 0 0; padding: 12px 16px; background: var(--canvas); border: 1px solid var(--grid); border-left: 4px solid var(--accent); border-radius: 6px; }
.headline p { margin: 2px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--grid); border-radius: 8px; padding: 12px 16px; background: #ffffff; }
.card h3 { margin-bottom: 8px; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; font-size: 14px; }
.card dt { color: var(--muted); }
.card dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.card dd .pm { display: inline; margin-left: 6px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
.diagram-box { overflow-x: auto; border: 1px solid var(--grid); border-radius: 8px; background: var(--canvas); }
svg.diagram { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.finding, .suggestion { border: 1px solid var(--grid); border-left: 5px solid var(--muted); border-radius: 6px; padding: 12px 16px; margin: 12px 0; background: #ffffff; }
.finding.error { border-left-color: var(--problem); }
.finding.warning { border-left-color: var(--highlight); }
.finding.info { border-left-color: var(--accent); }
.suggestion { border-left-color: var(--ok); }
.badge { display: inline-block; margin-right: 8px; padding: 1px 8px; border-radius: 10px; font-size: 11px; font-weight: 700; letter-spacing: 0.05em; text-transform: uppercase; color: #ffffff; background: var(--muted); vertical-align: 2px; }
.badge.error { background: var(--problem); }
.badge.warning { background: #8a5a00; }
.badge.info { background: var(--accent); }
.small { font-size: 13px; color: var(--muted); }
ul.changes { margin: 6px 0; padding-left: 20px; }
ul.changes li.better::marker { color: var(--ok); }
ul.changes li.worse::marker { color: var(--problem); }
li.better strong { color: var(--ok); }
li.worse strong { color: var(--problem); }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f0f0eb; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: #f0f0eb; padding: 12px 14px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { padding: 0; background: none; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 18px; font-size: 13.5px; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--grid); text-align: left; vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--grid); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pm { display: block; font-size: 11.5px; font-weight: 400; color: var(--muted); }
td.good { color: var(--ok); font-weight: 600; }
td.bad { color: var(--problem); font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 18px 24px; margin: 10px 0 22px; }
svg.chart { display: block; width: 100%; height: auto; }
.warning-list li, p.warning { color: var(--problem); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
footer { margin-top: 44px; padding-top: 10px; border-top: 1px solid var(--grid); font-size: 12px; color: var(--muted); }
@media (max-width: 640px) { main { padding: 20px 14px; } .charts, .cards { grid-template-columns: 1fr; } }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { margin-top: 24px; }
  h2, h2 + p, h3 { break-after: avoid; }
  .card, figure, .finding, .suggestion, tr, dl.facts { break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; gap: 10px 16px; }
  .diagram-box, .table-wrap { overflow: visible; }
  .headline, .card, .finding, .suggestion { background: none; }
  a { color: inherit; text-decoration: none; }
  table { font-size: 9pt; }
}
"#;
