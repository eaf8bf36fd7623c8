/**
 * The 通报 as DOCX in the official document format of GB/T 9704-2012 (党政机关公文格式):
 * - A4 (210 × 297 mm); 天头 (top margin) 37 mm, 订口 (inner margin) 28 mm with mirrored margins for duplex
 *   printing, text block 156 × 225 mm;
 * - 22 lines × 28 characters a page (w:docGrid linePitch 579, charSpace −849; every line exactly one grid line);
 * - title 2号 (22 pt) 方正小标宋简体; body 3号 (16 pt) 仿宋_GB2312; headings 一、 黑体, （一） 楷体_GB2312,
 *   1. and （1） 仿宋_GB2312;
 * - 版头: 发文机关标志 in red 35 mm below the top of the text block, 发文字号 two lines below it, the red
 *   separator the width of the text block; title two lines below the separator; 主送机关 one line below the title;
 * - page numbers 4号 (14 pt) 宋体 "— 1 —" (a PAGE field), odd pages right and even pages left, one character in;
 * - 发文机关署名 and 成文日期 at the end (right two characters, the date two characters right of the signature);
 *   版记 (抄送, 印发机关和日期) anchored at the foot of the last page between its rule lines.
 * The official font names are kept in the file; fontTable.xml names the alternates (仿宋, 楷体, 华文中宋) that
 * Windows and WPS substitute when the _GB2312 fonts are not installed.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  FrameAnchorType,
  FrameWrap,
  Header,
  HeightRule,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  Tab,
  TabStopType,
  TextRun,
  VerticalAlign,
  WidthType,
  type IRunOptions,
} from 'docx';
import JSZip from 'jszip';
import type { ReportDocument, TableBlock, TextBlock } from './template';

const MM = 1440 / 25.4;
/** Page geometry in twips (1/20 pt). */
export const GB = {
  pageWidth: 11906,
  pageHeight: 16838,
  top: Math.round(37 * MM), // 2098
  inner: Math.round(28 * MM), // 1587
  textWidth: Math.round(156 * MM), // 8844
  textHeight: Math.round(225 * MM), // 12756
  lines: 22,
  chars: 28,
  /** Footer distance: the page-number line starts 7 mm below the text block (35 − 7 − 6 mm line). */
  footer: Math.round(22 * MM),
  header: Math.round(15 * MM),
} as const;
export const OUTER = GB.pageWidth - GB.inner - GB.textWidth; // 1475 (26 mm)
export const BOTTOM = GB.pageHeight - GB.top - GB.textHeight; // 1984 (35 mm)
/** 22 lines in the 225 mm text block. */
export const LINE_PITCH = Math.floor(GB.textHeight / GB.lines); // 579
/** Character pitch = 16 pt + charSpace/4096 pt, so that 28 characters fill the 156 mm line (rounded down). */
export const CHAR_SPACE = Math.floor((GB.textWidth / GB.chars / 20 - 16) * 4096); // -849
const CHAR = (16 + CHAR_SPACE / 4096) * 20; // one grid character in twips (≈315.9)

export const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  latin: 'Times New Roman',
  pageNumber: '宋体',
} as const;
/** Alternates Word/WPS use when an official font is missing (fontTable w:altName). */
const ALT_NAMES: Record<string, { alt: string; family: string; pitch: string }> = {
  方正小标宋简体: { alt: '华文中宋', family: 'script', pitch: 'variable' },
  仿宋_GB2312: { alt: '仿宋', family: 'modern', pitch: 'fixed' },
  楷体_GB2312: { alt: '楷体', family: 'modern', pitch: 'fixed' },
  黑体: { alt: 'SimHei', family: 'modern', pitch: 'fixed' },
  宋体: { alt: 'SimSun', family: 'auto', pitch: 'variable' },
};

/** Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt. */
export const SIZES = { title: 44, body: 32, pageNumber: 28, table: 24, footnote: 24, demo: 21 } as const;

const RED = 'FF0000';
const font = (eastAsia: string) => ({ ascii: FONTS.latin, hAnsi: FONTS.latin, eastAsia, cs: FONTS.latin });
const exact = (line: number = LINE_PITCH) => ({ line, lineRule: LineRuleType.EXACT, before: 0, after: 0 });
const WATERMARK_TOKEN = '§GCC-WATERMARK§';

/** Display width of text in grid characters (CJK and full-width punctuation 1, the rest ½). */
export function textWidthChars(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u2E80-\uFFEF]/.test(ch) ? 1 : 0.5;
  return n;
}

function blank(count = 1): Paragraph[] {
  return Array.from({ length: count }, () => new Paragraph({ spacing: exact(), children: [] }));
}

/**
 * Text is laid out off the character grid, condensed by 0.3 pt (16 − 0.3 = 15.7 pt a character, 28 to the 442 pt
 * line): the same 28 characters a line in Word, WPS and LibreOffice. (LibreOffice puts a 16 pt character into two
 * 15.79 pt grid cells, which would leave 14 characters a line; Word's page setup still shows the 22 × 28 grid.)
 */
const CONDENSE = -6;
const OFF_GRID = { characterSpacing: CONDENSE, snapToGrid: false } as const;

function bodyRun(text: string, extra: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ text, font: font(FONTS.body), size: SIZES.body, ...OFF_GRID, ...extra });
}

function textParagraph(block: TextBlock, keepWithNext = false): Paragraph {
  const indent = { firstLine: Math.round(2 * CHAR) };
  if (block.level === 0) return new Paragraph({ style: 'GwBody', indent, keepNext: keepWithNext, keepLines: keepWithNext, children: [bodyRun(block.body)] });
  if (block.level === 1) return new Paragraph({ style: 'Heading1', indent, keepNext: true, children: [new TextRun({ text: block.heading, ...OFF_GRID })] });
  const children = [new TextRun({ text: block.heading, ...OFF_GRID })];
  if (block.body) children.push(bodyRun(block.body));
  return new Paragraph({ style: `Heading${block.level}`, indent, keepNext: !block.body || keepWithNext, keepLines: keepWithNext, children });
}

const thin = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

function tableRuns(text: string, bold = false): TextRun[] {
  return [new TextRun({ text, font: font(bold ? FONTS.heading1 : FONTS.body), size: SIZES.table, snapToGrid: false })];
}

function rankingTable(block: TableBlock): (Paragraph | Table)[] {
  const widths = block.columns.map((c) => Math.floor(c.width * GB.textWidth));
  widths[widths.length - 1] += GB.textWidth - widths.reduce((a, b) => a + b, 0);
  const cell = (text: string, width: number, align: 'left' | 'center' | 'right', header: boolean) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 57, right: 57, top: 28, bottom: 28 },
      children: [
        new Paragraph({
          alignment: align === 'left' ? AlignmentType.LEFT : align === 'right' ? AlignmentType.RIGHT : AlignmentType.CENTER,
          spacing: { line: 300, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
          children: tableRuns(text, header),
        }),
      ],
    });
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    height: { value: Math.round(10 * MM), rule: HeightRule.ATLEAST },
    children: block.columns.map((c, i) => cell(c.header, widths[i], 'center', true)),
  });
  const rows = block.rows.map(
    (r) =>
      new TableRow({
        cantSplit: true,
        height: { value: Math.round(7.5 * MM), rule: HeightRule.ATLEAST },
        children: r.map((v, i) => cell(v, widths[i], block.columns[i].align, false)),
      }),
  );
  const out: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      keepNext: true,
      spacing: exact(),
      children: [new TextRun({ text: block.caption, font: font(FONTS.heading1), size: SIZES.body, ...OFF_GRID })],
    }),
    new Table({
      width: { size: GB.textWidth, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      borders: { top: thin, bottom: thin, left: thin, right: thin, insideHorizontal: thin, insideVertical: thin },
      rows: [header, ...rows],
    }),
  ];
  if (block.note) {
    out.push(
      new Paragraph({
        spacing: { line: 360, lineRule: LineRuleType.EXACT, before: 60, after: 0 },
        indent: { firstLine: 480 },
        children: [new TextRun({ text: block.note, font: font(FONTS.body), size: SIZES.footnote, snapToGrid: false })],
      }),
    );
  }
  out.push(...blank());
  return out;
}

/** 版头: 发文机关标志, 发文字号, red separator. */
function letterhead(doc: ReportDocument): Paragraph[] {
  const markChars = Math.max(1, textWidthChars(doc.mark));
  // As large as fits the text block, at most 小初 (36 pt); the mark is never wider than the text block.
  const markPt = Math.min(36, Math.floor((GB.textWidth / 20 - 8) / markChars));
  return [
    // The mark's top edge sits 35 mm below the top of the text block.
    new Paragraph({ spacing: exact(Math.round(35 * MM)), children: [] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact(Math.round(markPt * 20 * 1.25)),
      children: [new TextRun({ text: doc.mark, font: font(FONTS.title), size: markPt * 2, color: RED, snapToGrid: false })],
    }),
    ...blank(2),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact(),
      // The red separator 4 mm below the document number, as wide as the text block.
      border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: RED, space: 4 } },
      children: [bodyRun(doc.docNumber)],
    }),
  ];
}

/** 发文机关署名 and 成文日期: signature two characters from the right; the date starts two characters right of it. */
function signature(doc: ReportDocument): Paragraph[] {
  const sigW = textWidthChars(doc.issuer) * CHAR;
  const dateW = textWidthChars(doc.date) * CHAR;
  let sigLeft = GB.textWidth - 2 * CHAR - sigW;
  let dateLeft = sigLeft + 2 * CHAR;
  if (dateLeft + dateW > GB.textWidth - 2 * CHAR) {
    dateLeft = GB.textWidth - 2 * CHAR - dateW;
    sigLeft = dateLeft - 2 * CHAR;
  }
  return [
    new Paragraph({ style: 'GwBody', indent: { left: Math.max(0, Math.round(sigLeft)) }, keepNext: true, children: [bodyRun(doc.issuer)] }),
    new Paragraph({ style: 'GwBody', indent: { left: Math.max(0, Math.round(dateLeft)) }, children: [bodyRun(doc.date)] }),
  ];
}

const COLOPHON_ROW = Math.round(10 * MM);

/**
 * 版记: 抄送 and 印发 between a thick rule (top), a thin rule (middle) and a thick rule (bottom), in a frame at the
 * foot of the text block of the last page (GB/T 9704: the last rule coincides with the text block's lower edge).
 * 4号仿宋; 抄送 one character in on both sides, 印发机关 one character from the left, 印发日期 one from the right.
 */
function colophon(doc: ReportDocument): Paragraph[] {
  const thick = { style: BorderStyle.SINGLE, size: 8, color: '000000', space: 1 };
  const hair = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };
  const run = (text: string) => new TextRun({ text, font: font(FONTS.body), size: SIZES.pageNumber, snapToGrid: false });
  const one = Math.round(14 * 20); // one 4号 character
  // One frame per row, each at a fixed offset from the top of the text block (LibreOffice will not merge framed
  // paragraphs whose borders differ, so the two rows are two frames that touch).
  const frame = (row: 0 | 1) => ({
    type: 'absolute' as const,
    position: { x: 0, y: GB.textHeight - (2 - row) * COLOPHON_ROW },
    anchor: { horizontal: FrameAnchorType.MARGIN, vertical: FrameAnchorType.MARGIN },
    width: GB.textWidth,
    height: COLOPHON_ROW,
    rule: HeightRule.EXACT,
    wrap: FrameWrap.AROUND,
  });
  const spacing = { line: COLOPHON_ROW - 60, lineRule: LineRuleType.EXACT, before: 0, after: 0 };
  return [
    new Paragraph({
      frame: frame(0),
      spacing,
      indent: { left: one, right: one },
      border: { top: thick, bottom: hair },
      children: [run(`抄送：${doc.cc}`)],
    }),
    new Paragraph({
      frame: frame(1),
      spacing,
      indent: { left: one, right: one },
      tabStops: [{ type: TabStopType.RIGHT, position: GB.textWidth - 2 * one }],
      border: { bottom: thick },
      children: [run(doc.printer), new TextRun({ children: [new Tab()], font: font(FONTS.body), size: SIZES.pageNumber }), run(`${doc.printDate}印发`)],
    }),
  ];
}

function pageNumberFooter(side: 'odd' | 'even'): Footer {
  const one = Math.round(14 * 20); // 空一字 at 4号
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: one } : { left: one },
        spacing: { line: 340, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        children: [
          new TextRun({
            children: ['— ', PageNumber.CURRENT, ' —'],
            font: { ascii: FONTS.pageNumber, hAnsi: FONTS.pageNumber, eastAsia: FONTS.pageNumber, cs: FONTS.pageNumber },
            size: SIZES.pageNumber,
            snapToGrid: false,
          }),
        ],
      }),
    ],
  });
}

function pageHeader(doc: ReportDocument): Header | undefined {
  if (!doc.watermark && !doc.demo) return undefined;
  const children: TextRun[] = [];
  if (doc.demo) children.push(new TextRun({ text: '演示数据　非正式文件', font: font(FONTS.heading1), size: SIZES.demo, color: '808080', snapToGrid: false }));
  if (doc.watermark) children.push(new TextRun({ text: WATERMARK_TOKEN }));
  return new Header({
    children: [new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { line: 300, lineRule: LineRuleType.EXACT, before: 0, after: 0 }, children })],
  });
}

export function buildDocx(doc: ReportDocument): Document {
  const children: (Paragraph | Table)[] = [
    ...letterhead(doc),
    ...blank(2),
    ...doc.title.map((line) => new Paragraph({ style: 'GwTitle', children: [new TextRun({ text: line, snapToGrid: false })] })),
    ...blank(1),
    new Paragraph({ style: 'GwBody', children: [bodyRun(doc.recipients)] }),
  ];
  doc.body.forEach((block, i) => {
    if (block.type === 'table') children.push(...rankingTable(block));
    // The last paragraph of the body stays on the page of the signature: a signature never stands alone.
    else children.push(textParagraph(block, i === doc.body.length - 1));
  });
  const keep = () => new Paragraph({ spacing: exact(), keepNext: true, children: [] });
  if (doc.attachment)
    children.push(
      keep(),
      new Paragraph({ style: 'GwBody', keepNext: true, indent: { firstLine: Math.round(2 * CHAR) }, children: [bodyRun(`附件：${doc.attachment}`)] }),
    );
  // The frame needs a paragraph after it to anchor to (LibreOffice drops a frame that ends the document).
  children.push(keep(), ...signature(doc), ...colophon(doc), new Paragraph({ spacing: exact(20), children: [] }));

  const header = pageHeader(doc);
  const heading = (eastAsia: string, level: number) => ({
    basedOn: 'Normal',
    next: 'GwBody',
    quickFormat: true,
    run: { font: font(eastAsia), size: SIZES.body, bold: false, italics: false, color: '000000' },
    paragraph: { spacing: exact(), outlineLevel: level },
  });
  return new Document({
    creator: doc.issuer,
    title: doc.title.join(''),
    description: doc.demo ? '演示数据' : undefined,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: { run: { font: font(FONTS.body), size: SIZES.body }, paragraph: { spacing: exact() } },
        // 一、 黑体; （一） 楷体_GB2312; 1. and （1） 仿宋_GB2312 — all 3号, black, on the line grid.
        heading1: heading(FONTS.heading1, 0),
        heading2: heading(FONTS.heading2, 1),
        heading3: heading(FONTS.body, 2),
        heading4: heading(FONTS.body, 3),
      },
      paragraphStyles: [
        // The Normal style carries the 3号 size too: LibreOffice sizes the character grid from it.
        { id: 'Normal', name: 'Normal', quickFormat: true, run: { font: font(FONTS.body), size: SIZES.body }, paragraph: { spacing: exact() } },
        {
          id: 'GwBody',
          name: 'GW Body',
          basedOn: 'Normal',
          quickFormat: true,
          run: { font: font(FONTS.body), size: SIZES.body },
          paragraph: { spacing: exact(), alignment: AlignmentType.JUSTIFIED },
        },
        {
          id: 'GwTitle',
          name: 'GW Title',
          basedOn: 'Normal',
          quickFormat: true,
          run: { font: font(FONTS.title), size: SIZES.title },
          paragraph: { spacing: exact(), alignment: AlignmentType.CENTER, keepNext: true },
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: GB.pageWidth, height: GB.pageHeight },
            margin: { top: GB.top, bottom: BOTTOM, left: GB.inner, right: OUTER, header: GB.header, footer: GB.footer, gutter: 0 },
          },
          grid: { type: 'linesAndChars', linePitch: LINE_PITCH, charSpace: CHAR_SPACE },
        },
        headers: header ? { default: header, even: pageHeader(doc)! } : undefined,
        footers: { default: pageNumberFooter('odd'), even: pageNumberFooter('even') },
        children,
      },
    ],
  });
}

const OFF_GRID_XML = '<w:snapToGrid w:val="false"/>';
/** pPr children that come after w:snapToGrid in the schema's sequence. */
const AFTER_SNAP = [
  '<w:spacing',
  '<w:ind',
  '<w:contextualSpacing',
  '<w:mirrorIndents',
  '<w:suppressOverlap',
  '<w:jc',
  '<w:textDirection',
  '<w:textAlignment',
  '<w:textboxTightWrap',
  '<w:outlineLvl',
  '<w:divId',
  '<w:cnfStyle',
  '<w:rPr',
  '<w:sectPr',
  '<w:pPrChange',
];

/** Adds w:snapToGrid=false to a paragraph's properties, in its schema position. */
export function paragraphOffGrid(p: string): string {
  const open = /^<w:p\b[^>]*>/.exec(p)![0];
  const rest = p.slice(open.length);
  if (!rest.startsWith('<w:pPr>')) return `${open}<w:pPr>${OFF_GRID_XML}</w:pPr>${rest}`;
  const end = rest.indexOf('</w:pPr>');
  const props = rest.slice('<w:pPr>'.length, end);
  if (props.includes('<w:snapToGrid')) return p;
  const at = Math.min(...AFTER_SNAP.map((tag) => props.indexOf(tag)).filter((i) => i >= 0), props.length);
  return `${open}<w:pPr>${props.slice(0, at)}${OFF_GRID_XML}${props.slice(at)}${rest.slice(end)}`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Word's own watermark: a grey diagonal text path in the header, behind the text on every page. */
function watermarkRun(text: string, n: number): string {
  return (
    '<w:r><w:rPr><w:noProof/></w:rPr><w:pict>' +
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">' +
    '<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/>' +
    '<v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/>' +
    '<v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>' +
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>' +
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>' +
    `<v:shape id="GccWatermark${n}" o:spid="_x0000_s20${48 + n}" type="#_x0000_t136" style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:42pt;rotation:315;z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#c0c0c0" stroked="f">` +
    `<v:fill opacity=".35"/><v:textpath style="font-family:&quot;${FONTS.heading1}&quot;;font-size:1pt" string="${xmlEscape(text)}"/></v:shape>` +
    '</w:pict></w:r>'
  );
}

/**
 * What the docx library cannot say: mirrored margins (the 28 mm 订口 is the inner margin on both sides of the
 * sheet), alternates for the official fonts, and the watermark shape.
 */
async function finish(buffer: Buffer, doc: ReportDocument): Promise<Buffer> {
  const zip = await JSZip.loadAsync(buffer);
  const settings = await zip.file('word/settings.xml')!.async('string');
  const mirrored = settings.includes('<w:displayBackgroundShape/>')
    ? settings.replace('<w:displayBackgroundShape/>', '<w:displayBackgroundShape/><w:mirrorMargins/>')
    : settings.replace(/(<w:settings[^>]*>)/, '$1<w:mirrorMargins/>');
  zip.file('word/settings.xml', mirrored);

  const fontFile = zip.file('word/fontTable.xml');
  if (fontFile) {
    const fonts = await fontFile.async('string');
    const entries = Object.entries(ALT_NAMES)
      .filter(([name]) => !fonts.includes(`w:name="${name}"`))
      .map(
        ([name, a]) =>
          `<w:font w:name="${name}"><w:altName w:val="${a.alt}"/><w:charset w:val="86"/><w:family w:val="${a.family}"/><w:pitch w:val="${a.pitch}"/></w:font>`,
      )
      .join('');
    const closed = /<w:fonts\b[^>]*\/>\s*$/.test(fonts) ? fonts.replace(/\/>\s*$/, '></w:fonts>') : fonts;
    zip.file('word/fontTable.xml', closed.replace('</w:fonts>', `${entries}</w:fonts>`));
  }

  // Paragraphs whose runs are off the character grid are off it as paragraphs too: Word reads the run flag,
  // LibreOffice only the paragraph one.
  for (const name of Object.keys(zip.files).filter((f) => /^word\/(document|header\d+|footer\d+)\.xml$/.test(f))) {
    const xml = await zip.file(name)!.async('string');
    zip.file(
      name,
      xml.replace(/<w:p\b[^>]*>.*?<\/w:p>/gs, (p) => (p.includes(OFF_GRID_XML) ? paragraphOffGrid(p) : p)),
    );
  }

  if (doc.watermark) {
    let n = 0;
    for (const name of Object.keys(zip.files).filter((f) => /^word\/header\d+\.xml$/.test(f))) {
      const xml = await zip.file(name)!.async('string');
      const replaced = xml.replace(/<w:r>(?:(?!<w:r>).)*?§GCC-WATERMARK§.*?<\/w:r>/s, () => watermarkRun(doc.watermark!, ++n));
      zip.file(name, replaced);
    }
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

export async function renderDocx(doc: ReportDocument): Promise<Buffer> {
  const buffer = await Packer.toBuffer(buildDocx(doc));
  return finish(buffer, doc);
}
