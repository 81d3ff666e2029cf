/**
 * The status page's stylesheet, inline (the CSP allows inline style and nothing from elsewhere).
 * Phone first: tiles two abreast, tables as one card per row below 40rem; light and dark schemes.
 */
export const STYLE = `
:root{--bg:#f6f8fa;--fg:#1f2328;--dim:#59636e;--card:#fff;--line:#d1d9e0;--ok:#1a7f37;--okbg:#dafbe1;--bad:#cf222e;--badbg:#ffebe9;--warn:#9a6700;--warnbg:#fff8c5;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--dim:#9198a1;--card:#151b23;--line:#3d444d;--ok:#3fb950;--okbg:#12261e;--bad:#f85149;--badbg:#25171c;--warn:#d29922;--warnbg:#272115;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
h1{font-size:1.5rem;margin:0;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.sub,.note,.dim,.more{color:var(--dim)}
.sub{margin:.25rem 0 0;font-size:.875rem}
a{color:var(--link)}
.banner{margin:1rem 0 0;padding:.6rem .8rem;border-radius:6px;border:1px solid var(--line);overflow-wrap:anywhere}
.banner.ok{background:var(--okbg);border-color:var(--ok)}
.banner.warn{background:var(--warnbg);border-color:var(--warn)}
.banner.bad{background:var(--badbg);border-color:var(--bad)}
.tiles{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.75rem;margin-top:1rem}
@media (min-width:48rem){.tiles{grid-template-columns:repeat(4,minmax(0,1fr))}}
.tile{background:var(--card);border:1px solid var(--line);border-left-width:5px;border-radius:6px;padding:.6rem .8rem}
.tile.ok{border-left-color:var(--ok)}
.tile.bad{border-left-color:var(--bad)}
.tile.warn{border-left-color:var(--warn)}
.tile .label{font-size:.875rem;color:var(--dim)}
.tile .value{font-size:1.9rem;font-weight:600;line-height:1.2}
.tile.bad .value{color:var(--bad)}
.tile .value .of{font-size:1.1rem;color:var(--dim)}
.tile .note{font-size:.8rem}
.okline{color:var(--ok);margin:.25rem 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:6px}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{font-size:.8rem;color:var(--dim);font-weight:600}
tbody tr:last-child td{border-bottom:0}
.tag{display:inline-block;font-size:.75rem;padding:0 .35rem;border-radius:4px;background:var(--warnbg);color:var(--warn)}
.tag.ok{background:var(--okbg);color:var(--ok)}
.tag.bad{background:var(--badbg);color:var(--bad)}
dl{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px}
dl>div{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:.4rem .6rem;border-bottom:1px solid var(--line)}
dl>div:last-child{border-bottom:0}
dt{color:var(--dim);min-width:11rem}
dd{margin:0;overflow-wrap:anywhere}
meter{width:6rem;vertical-align:middle}
.links{padding-left:1.2rem}
.links li{margin:.2rem 0;overflow-wrap:anywhere}
details{margin:.25rem 0}
summary{cursor:pointer;color:var(--link);padding:.3rem 0}
section:last-child details{margin-bottom:2rem}
code{font-size:.85em}
@media (max-width:40rem){
 table,thead,tbody,tr,td{display:block;border:0}
 table{background:none}
 thead{display:none}
 tr{background:var(--card);border:1px solid var(--line);border-radius:6px;margin-bottom:.5rem;padding:.3rem 0}
 td{border:0;padding:.15rem .6rem;display:flex;gap:.5rem}
 td::before{content:attr(data-label);color:var(--dim);font-size:.8rem;min-width:5.5rem;flex:none;padding-top:.1rem}
}
`;
