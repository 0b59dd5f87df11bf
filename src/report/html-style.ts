/** The HTML report's whole stylesheet, inlined: the report must open from a CI artifact with no network. */
export const HTML_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#111827;background:#f3f4f6}
main{max-width:1360px;margin:0 auto;padding:0 20px 40px}
header.page{background:#111827;color:#f9fafb;padding:14px 20px;margin-bottom:20px}
header.page .inner{max-width:1360px;margin:0 auto;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header.page h1{font-size:18px;margin:0}
header.page nav a{color:#93c5fd;margin-right:12px;text-decoration:none}
section.run,section.study{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:18px 22px;margin-bottom:24px}
.run-head{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.run-head h2{margin:0;font-size:22px}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:700;font-size:12px;letter-spacing:.04em;color:#fff}
.badge.pass{background:#16a34a}.badge.fail{background:#dc2626}
.tag{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:4px;padding:0 6px;margin-right:4px;font-size:12px}
.description{color:#4b5563;margin:6px 0 0}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:6px 18px;margin:14px 0}
dl.facts div{min-width:0}
dl.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#6b7280}
dl.facts dd{margin:0;overflow-wrap:anywhere}
dl.facts div.wide{grid-column:1/-1}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin:8px 0 4px}
.card{border:1px solid #e5e7eb;border-radius:6px;padding:10px 12px;background:#f9fafb}
.card h4{margin:0 0 4px;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#6b7280}
.card .big{font-size:20px;font-weight:650}
.card .small{font-size:12px;color:#4b5563}
h3{font-size:16px;margin:26px 0 10px;padding-bottom:4px;border-bottom:1px solid #e5e7eb}
h4.device{font-size:14px;margin:16px 0 6px}
h4.device span{font-weight:400;color:#6b7280}
div.scroll{overflow-x:auto}
.figure{white-space:nowrap;display:inline-block;margin-right:6px}
td{white-space:nowrap}
td.wrap{white-space:normal}
td.msg{white-space:normal;min-width:220px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f9fafb;font-weight:600;color:#374151}
table.devices{font-size:12px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fef2f2}
.ok{color:#16a34a;font-weight:700}.bad{color:#dc2626;font-weight:700}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(520px,100%),1fr));gap:14px}
figure{margin:0;border:1px solid #e5e7eb;border-radius:6px;padding:6px 8px;background:#fff;break-inside:avoid}
figcaption{font-size:12px;font-weight:600;color:#374151;margin:0 0 2px}
svg{display:block;width:100%;height:auto;font-family:inherit}
.note{color:#6b7280;font-size:12px;margin:6px 0}
pre{background:#f3f4f6;border-radius:6px;padding:10px;overflow-x:auto}
details summary{cursor:pointer;color:#374151;margin:8px 0}
footer{max-width:1360px;margin:0 auto;padding:0 20px 30px;color:#6b7280;font-size:12px}
.failures{border:1px solid #fecaca;background:#fef2f2;border-radius:6px;padding:4px 16px 10px;margin:14px 0}
.failures h3{border-bottom-color:#fecaca;margin-top:10px}
.failures ol{margin:0;padding-left:20px}
.failures li.failure{margin:8px 0}
.failures p{margin:2px 0}
.failures ul.evidence{margin:4px 0;padding-left:18px;font-size:12.5px}
.msg{overflow-wrap:anywhere}
.integrity-error{border:2px solid #dc2626;background:#fef2f2;color:#991b1b;border-radius:6px;padding:8px 12px;margin:10px 0}
.near-miss{background:#fef3c7;color:#92400e}
details.quiet{margin:10px 0}
table.devices td{white-space:normal}
table.devices td.mono{white-space:nowrap}
svg.distribution{max-width:560px}
@media (max-width:900px){
main{padding:0 10px 30px}
section.run,section.study{padding:12px 12px}
.charts{grid-template-columns:1fr}
table.cards-narrow thead{display:none}
table.cards-narrow,table.cards-narrow tbody,table.cards-narrow tr,table.cards-narrow td{display:block;width:auto}
table.cards-narrow tr{border-bottom:1px solid #d1d5db;padding:6px 0}
table.cards-narrow td{border:none;padding:1px 4px;white-space:normal;text-align:left;min-width:0;overflow-wrap:anywhere}
table.cards-narrow td::before{content:attr(data-label);display:inline-block;min-width:96px;color:#6b7280;font-size:11px}
table.cards-narrow td:empty{display:none}
}
@media print{body{background:#fff}section.run,section.study{border:none;padding:0}header.page{background:none;color:#111827}}
`;
