/**
 * The 通报 as one HTML page with a print stylesheet: the same content as the DOCX, laid out to GB/T 9704 on A4
 * (37 mm top, 28 mm inner, 156 × 225 mm text block, 22 lines of 28 characters, "— 1 —" page numbers on the outer
 * side). Chromium prints it to PDF: headless through playwright-core in the CLI and the web host, and through
 * webContents.printToPDF in the desktop app — both print exactly this string (see pdf.ts).
 *
 * Fonts: the official names first, then what Windows, Kylin/UOS and macOS have, then Noto CJK (Debian's
 * fonts-noto-cjk), chosen per face with @font-face local() so each fallback keeps its weight: 小标宋 falls back to
 * Noto Serif CJK Bold, 仿宋 to Noto Serif CJK, 楷体 to Noto Serif CJK Bold (distinct from the body), 黑体 to
 * WenQuanYi Zen Hei or Noto Sans CJK. (TrueType faces print fast; Chromium embeds CFF faces such as Noto CJK as
 * Type 3 glyphs, which is what most of the PDF time goes into on a machine with only Noto CJK.)
 *
 * The 版记 belongs at the foot of the last page. CSS cannot say "bottom of the last page", so pdf.ts prints twice:
 * the first print counts the pages, the second pins the 版记 to the bottom of the last one (colophonPage).
 */
import type { ReportDocument, TableBlock, TextBlock } from './template';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const local = (...names: string[]) => names.map((n) => `local("${n}")`).join(', ');

const FONT_FACES = `
@font-face { font-family: "GW Title"; src: ${local('方正小标宋简体', 'FZXiaoBiaoSong-B05S', '方正小标宋_GBK', 'FZXBSK--GBK1-0', '华文中宋', 'STZhongsong', 'Noto Serif CJK SC Bold', 'NotoSerifCJKsc-Bold', 'Source Han Serif SC Bold')}; }
@font-face { font-family: "GW FangSong"; src: ${local('仿宋_GB2312', 'FangSong_GB2312', '仿宋', 'FangSong', 'STFangsong', 'Noto Serif CJK SC', 'NotoSerifCJKsc-Regular', 'Source Han Serif SC')}; }
@font-face { font-family: "GW Kai"; src: ${local('楷体_GB2312', 'KaiTi_GB2312', '楷体', 'KaiTi', 'STKaiti', 'AR PL UKai CN', 'Noto Serif CJK SC Bold', 'NotoSerifCJKsc-Bold')}; }
@font-face { font-family: "GW Hei"; src: ${local('黑体', 'SimHei', 'STHeiti', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC Medium', 'NotoSansCJKsc-Medium', 'Noto Sans CJK SC', 'NotoSansCJKsc-Regular', 'Source Han Sans SC')}; }
@font-face { font-family: "GW Song"; src: ${local('宋体', 'SimSun', 'STSong', 'Noto Serif CJK SC', 'NotoSerifCJKsc-Regular')}; }
`;

/** Height of the 版记 (two rows between rules). */
const COLOPHON_MM = 22;
/** 225 mm / 22 lines. */
const LINE = '10.227mm';

const STYLE = `
${FONT_FACES}
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@page :right {
  margin-left: 28mm; margin-right: 26mm;
  @bottom-right { content: "— " counter(page) " —"; font-family: "Times New Roman", "Liberation Serif", "GW Song", serif; font-size: 14pt; vertical-align: top; padding-top: 4.5mm; padding-right: 14pt; }
}
@page :left {
  margin-left: 26mm; margin-right: 28mm;
  @bottom-left { content: "— " counter(page) " —"; font-family: "Times New Roman", "Liberation Serif", "GW Song", serif; font-size: 14pt; vertical-align: top; padding-top: 4.5mm; padding-left: 14pt; }
}
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  position: relative;
  margin: 0; color: #000; background: #fff;
  font-family: "Times New Roman", "Liberation Serif", "GW FangSong", serif; font-size: 16pt; line-height: ${LINE};
  /* 28 characters of 16 pt on a 156 mm line: each advance 15.79 pt. */
  letter-spacing: -0.21pt;
  text-align: justify; text-justify: inter-character;
  font-kerning: none;
}
@media screen { body { width: 156mm; margin: 10mm auto; padding: 37mm 26mm 35mm 28mm; box-shadow: 0 0 6mm rgba(0,0,0,.3); } }
p, h1, h2, div.line { margin: 0; font-weight: normal; }
.blank { height: ${LINE}; }
.letterhead { padding-top: 35mm; text-align: center; }
.mark { font-family: "GW Title", serif; color: #e00; line-height: 1.25; letter-spacing: 0; white-space: nowrap; }
.docno { text-align: center; }
.redline { border: 0; border-top: 1.5pt solid #e00; margin: 4mm 0 0 0; height: 0; }
.title { font-family: "GW Title", serif; font-size: 22pt; text-align: center; letter-spacing: 0; line-height: ${LINE}; break-after: avoid; }
.recipients { text-indent: 0; }
.p { text-indent: 2em; }
.h1 { font-family: "Times New Roman", "GW Hei", sans-serif; font-size: 16pt; text-indent: 2em; break-after: avoid; }
.h2 .lead { font-family: "Times New Roman", "GW Kai", serif; }
.h2, .h3, .h4 { text-indent: 2em; }
.h2:only-child, .keep { break-after: avoid; }
table.rank { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 12pt; line-height: 1.35; letter-spacing: 0; margin: 0; }
table.rank th { font-family: "Times New Roman", "GW Hei", sans-serif; font-weight: normal; }
table.rank th, table.rank td { border: 0.5pt solid #000; padding: 1.2mm 1mm; text-align: center; vertical-align: middle; }
table.rank td.left { text-align: left; }
table.rank thead { display: table-header-group; }
table.rank tr { break-inside: avoid; }
.caption { font-family: "Times New Roman", "GW Hei", sans-serif; text-align: center; text-indent: 0; break-after: avoid; }
.note { font-size: 12pt; line-height: 1.5; letter-spacing: 0; text-indent: 2em; margin-top: 1mm; }
.signature { white-space: nowrap; text-align: left; text-indent: 0; }
.closing { break-inside: avoid; }
.colophon.pinned { position: absolute; left: 0; right: 0; margin: 0; }
.colophon.spacer { visibility: hidden; }
.colophon { box-sizing: border-box; height: ${COLOPHON_MM}mm; margin-top: 4mm; break-inside: avoid; font-size: 14pt; line-height: 1.4; letter-spacing: 0; border-top: 0.35mm solid #000; border-bottom: 0.35mm solid #000; }
.colophon div { box-sizing: border-box; height: 50%; display: flex; align-items: center; padding: 0 14pt; }
.colophon .cc { border-bottom: 0.25mm solid #000; }
.colophon .printed { justify-content: space-between; }
.watermark { position: fixed; inset: 0; overflow: hidden; pointer-events: none; z-index: 10; }
.watermark div { position: absolute; left: 50%; top: 50%; width: 200%; transform: translate(-50%, -50%) rotate(-35deg); text-align: center; color: rgba(0,0,0,.08); font-family: "GW Hei", sans-serif; font-size: 20pt; line-height: 28mm; letter-spacing: 0; white-space: nowrap; }
`;

/** Grid characters of text (CJK 1, the rest ½): for the signature block. */
function widthChars(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u2E80-\uFFEF]/.test(ch) ? 1 : 0.5;
  return n;
}

function textBlock(block: TextBlock): string {
  if (block.level === 0) return `<p class="p">${escapeHtml(block.body)}</p>`;
  if (block.level === 1) return `<h2 class="h1">${escapeHtml(block.heading)}</h2>`;
  const cls = `h${block.level}`;
  return `<p class="${cls}${block.body ? '' : ' keep'}"><span class="lead">${escapeHtml(block.heading)}</span>${escapeHtml(block.body)}</p>`;
}

function tableBlock(t: TableBlock): string {
  const cols = t.columns.map((c) => `<col style="width:${(c.width * 100).toFixed(2)}%">`).join('');
  const head = t.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr>${r.map((v, i) => `<td${t.columns[i].align === 'left' ? ' class="left"' : ''}>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<p class="caption">${escapeHtml(t.caption)}</p><table class="rank"><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : ''}<div class="blank"></div>`;
}

function signature(doc: ReportDocument): string {
  // 156 mm = 28 characters; the signature two characters from the right, the date two characters right of it.
  const sig = widthChars(doc.issuer);
  const date = widthChars(doc.date);
  let sigLeft = 28 - 2 - sig;
  let dateLeft = sigLeft + 2;
  if (dateLeft + date > 26) {
    dateLeft = 26 - date;
    sigLeft = dateLeft - 2;
  }
  const em = (n: number) => `${((Math.max(0, n) * 156) / 28).toFixed(2)}mm`;
  return `<div class="signature" style="padding-left:${em(sigLeft)}">${escapeHtml(doc.issuer)}</div><div class="signature" style="padding-left:${em(dateLeft)}">${escapeHtml(doc.date)}</div>`;
}

function watermark(text: string): string {
  const line = `${escapeHtml(text)}　　　　${escapeHtml(text)}　　　　${escapeHtml(text)}`;
  return `<div class="watermark" aria-hidden="true"><div>${Array.from({ length: 14 }, () => line).join('<br>')}</div></div>`;
}

export interface HtmlOptions {
  /** Pin the 版记 to the foot of this page (1-based); in the flow after the signature when absent. */
  colophonPage?: number;
  /** Lay out but draw no text (for counting pages). */
  layoutOnly?: boolean;
}

/** The whole report as a standalone HTML document (no external resources). */
export function renderReportHtml(doc: ReportDocument, options: HtmlOptions = {}): string {
  const body: string[] = [];
  body.push(
    `<header class="letterhead"><div class="mark" style="font-size:${markSize(doc.mark)}pt">${escapeHtml(doc.mark)}</div><div class="blank"></div><div class="blank"></div><p class="docno">${escapeHtml(doc.docNumber)}</p><hr class="redline"></header>`,
  );
  body.push('<div class="blank"></div><div class="blank"></div>');
  body.push(`<h1 class="title">${doc.title.map(escapeHtml).join('<br>')}</h1>`);
  body.push('<div class="blank"></div>');
  body.push(`<p class="recipients">${escapeHtml(doc.recipients)}</p>`);
  const last = doc.body.length - 1;
  doc.body.slice(0, last).forEach((block) => body.push(block.type === 'table' ? tableBlock(block) : textBlock(block)));
  // The last paragraph of the body, the attachment note and the signature stay on one page.
  const tail = doc.body[last];
  body.push(
    `<div class="closing">${tail ? (tail.type === 'table' ? tableBlock(tail) : textBlock(tail)) : ''}` +
      `${doc.attachment ? `<div class="blank"></div><p class="p">附件：${escapeHtml(doc.attachment)}</p>` : ''}<div class="blank"></div>${signature(doc)}</div>`,
  );
  const colophon = (cls: string, style = '') =>
    `<section class="colophon${cls}"${style}><div class="cc">抄送：${escapeHtml(doc.cc)}</div><div class="printed"><span>${escapeHtml(doc.printer)}</span><span>${escapeHtml(doc.printDate)}印发</span></div></section>`;
  if (options.colophonPage) {
    // The flow keeps an invisible copy (so the page count stays), the visible one sits on the last page's foot.
    body.push(colophon(' spacer" aria-hidden="true'), colophon(' pinned', ` style="top:calc(${options.colophonPage} * 225mm - ${COLOPHON_MM}mm)"`));
  } else body.push(colophon(''));
  const demoBox =
    'content: "演示数据　非正式文件"; font-family: "GW Hei", sans-serif; font-size: 10.5pt; color: #808080; vertical-align: bottom; padding-bottom: 6mm;';
  const demo = doc.demo ? `<style>@page :right { @top-right { ${demoBox} } } @page :left { @top-left { ${demoBox} } }</style>` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(doc.title.join(''))}</title>
<style>${STYLE}</style>${demo}${options.layoutOnly ? '<style>body, body * { visibility: hidden !important; }</style>' : ''}</head>
<body>${doc.watermark ? watermark(doc.watermark) : ''}
${body.join('\n')}
</body></html>`;
}

/** Same rule as the DOCX: as large as fits the text block, at most 36 pt. */
function markSize(mark: string): number {
  return Math.min(36, Math.floor(((156 * 72) / 25.4 - 8) / Math.max(1, widthChars(mark))));
}
