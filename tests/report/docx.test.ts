/**
 * The 通报 DOCX against GB/T 9704-2012: opened as the zip of XML it is, and checked for page size, margins, the
 * 22 × 28 grid, fonts and sizes, heading levels, the page-number field, the 版头 and 版记, and masking.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportReport } from '../../core/report/export';
import { assembleBriefing } from '../../core/report/briefing';
import { buildReport, defaultTexts, parseText } from '../../core/report/template';
import { renderDocx } from '../../core/report/docx';
import { DEMO_WEEK, leakedPersonalData, openDistrict } from './helpers';

const district = openDistrict();
const period = { kind: 'week' as const, week: DEMO_WEEK };
const MM = 1440 / 25.4;

const files: Record<string, string> = {};
const attr = (xml: string, tag: string, name: string): string | null => {
  const m = new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml);
  return m ? m[1] : null;
};
/** The XML of one w:style by id. */
const style = (id: string) => {
  const m = new RegExp(`<w:style\\b[^>]*w:styleId="${id}"[^>]*>.*?</w:style>`, 's').exec(files['word/styles.xml']);
  return m ? m[0] : '';
};
/** Paragraphs of the body with their style and text. */
const paragraphs = () =>
  [...files['word/document.xml'].matchAll(/<w:p\b[^>]*>(.*?)<\/w:p>/gs)].map((m) => ({
    xml: m[0],
    style: /<w:pStyle w:val="([^"]+)"/.exec(m[1])?.[1] ?? null,
    text: [...m[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
  }));

beforeAll(async () => {
  const result = await exportReport(district.service, { period, format: 'docx', operator: '测试员' }, district.ctx.now);
  expect(result.mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  expect(result.fileName).toBe(`网格化服务管理工作通报-${DEMO_WEEK}.docx`);
  const zip = await JSZip.loadAsync(result.data);
  for (const name of Object.keys(zip.files)) if (/\.(xml|rels)$/.test(name)) files[name] = await zip.file(name)!.async('string');
});

describe('通报 DOCX (GB/T 9704-2012)', () => {
  it('is A4 with a 37 mm top margin, a 28 mm inner margin mirrored for duplex, and a 156 × 225 mm text block', () => {
    const doc = files['word/document.xml'];
    expect(attr(doc, 'w:pgSz', 'w:w')).toBe('11906');
    expect(attr(doc, 'w:pgSz', 'w:h')).toBe('16838');
    const top = Number(attr(doc, 'w:pgMar', 'w:top'));
    const left = Number(attr(doc, 'w:pgMar', 'w:left'));
    const right = Number(attr(doc, 'w:pgMar', 'w:right'));
    const bottom = Number(attr(doc, 'w:pgMar', 'w:bottom'));
    expect(top).toBe(2098);
    expect(Math.abs(top - 37 * MM)).toBeLessThan(1);
    expect(left).toBe(1587);
    expect(Math.abs(left - 28 * MM)).toBeLessThan(1);
    expect(Math.abs((11906 - left - right) / MM - 156)).toBeLessThan(0.1);
    expect(Math.abs((16838 - top - bottom) / MM - 225)).toBeLessThan(0.1);
    expect(attr(doc, 'w:pgMar', 'w:gutter')).toBe('0');
    expect(files['word/settings.xml']).toContain('<w:mirrorMargins/>');
  });

  it('has a 22-line, 28-character document grid', () => {
    const doc = files['word/document.xml'];
    expect(attr(doc, 'w:docGrid', 'w:type')).toBe('linesAndChars');
    const linePitch = Number(attr(doc, 'w:docGrid', 'w:linePitch'));
    const textHeight = 16838 - Number(attr(doc, 'w:pgMar', 'w:top')) - Number(attr(doc, 'w:pgMar', 'w:bottom'));
    expect(Math.floor(textHeight / linePitch)).toBe(22);
    // Character pitch = default font size (16 pt) + charSpace/4096 pt.
    const charSpace = Number(attr(doc, 'w:docGrid', 'w:charSpace'));
    const pitch = (16 + charSpace / 4096) * 20;
    const textWidth = 11906 - Number(attr(doc, 'w:pgMar', 'w:left')) - Number(attr(doc, 'w:pgMar', 'w:right'));
    expect(Math.floor(textWidth / pitch)).toBe(28);
    expect(charSpace).toBe(-849);
    expect(linePitch).toBe(579);
    // Body text sits on that line pitch exactly.
    expect(files['word/styles.xml']).toMatch(/<w:pPrDefault><w:pPr><w:spacing[^>]*w:line="579"[^>]*w:lineRule="exact"/);
  });

  it('sets the body in 3号 仿宋_GB2312 and the title in 2号 方正小标宋简体', () => {
    const styles = files['word/styles.xml'];
    expect(styles).toMatch(/<w:rPrDefault><w:rPr><w:rFonts[^>]*w:eastAsia="仿宋_GB2312"/);
    expect(styles).toMatch(/<w:rPrDefault>.*?<w:sz w:val="32"\/>/s);
    expect(style('Normal')).toContain('w:eastAsia="仿宋_GB2312"');
    expect(style('Normal')).toContain('<w:sz w:val="32"/>');
    expect(style('GwTitle')).toContain('w:eastAsia="方正小标宋简体"');
    expect(style('GwTitle')).toContain('<w:sz w:val="44"/>');
    const titles = paragraphs().filter((p) => p.style === 'GwTitle');
    expect(titles.map((p) => p.text).join('')).toBe('关于2023年第11周全区网格化服务管理工作情况的通报');
    // The red 发文机关标志 and the red separator under the document number.
    expect(files['word/document.xml']).toMatch(/<w:color w:val="FF0000"\/>.*?广安区网格化服务管理中心文件/s);
    const docNumber = paragraphs().find((p) => p.text === '广网格通〔2023〕11号')!;
    expect(docNumber.xml).toMatch(/<w:pBdr><w:bottom w:val="single" w:color="FF0000"/);
    // Official names stay; the font table names the alternates Windows and WPS fall back to.
    expect(files['word/fontTable.xml']).toMatch(/w:name="仿宋_GB2312"><w:altName w:val="仿宋"\/>/);
    expect(files['word/fontTable.xml']).toMatch(/w:name="楷体_GB2312"><w:altName w:val="楷体"\/>/);
  });

  it('numbers headings 一、（一）1.（1） in 黑体 / 楷体_GB2312 / 仿宋_GB2312 / 仿宋_GB2312, all 3号', () => {
    const fonts: Record<string, string> = { Heading1: '黑体', Heading2: '楷体_GB2312', Heading3: '仿宋_GB2312', Heading4: '仿宋_GB2312' };
    for (const [id, eastAsia] of Object.entries(fonts)) {
      expect(style(id), id).toContain(`w:eastAsia="${eastAsia}"`);
      expect(style(id), id).toContain('<w:sz w:val="32"/>');
      expect(style(id), id).toMatch(new RegExp(`<w:outlineLvl w:val="${Number(id.slice(-1)) - 1}"/>`));
      expect(style(id), id).not.toContain('<w:b/>');
    }
    const h1 = paragraphs()
      .filter((p) => p.style === 'Heading1')
      .map((p) => p.text);
    expect(h1).toEqual(['一、总体情况', '二、各街道工作情况', '三、存在问题', '四、下步工作要求']);
    const h2 = paragraphs().filter((p) => p.style === 'Heading2');
    expect(h2.length).toBeGreaterThanOrEqual(4);
    for (const p of h2) expect(p.text).toMatch(/^（[一二三四五六七八九十]+）/);
    // Run-in: the heading runs in 楷体 up to its 。, the rest of the paragraph is body text in 仿宋.
    const first = h2[0].xml;
    expect(first).toMatch(/<w:t[^>]*>（一）[^<]*。<\/w:t>/);
  });

  it('renders levels 3 and 4 from edited text', async () => {
    const b = assembleBriefing(district.ctx, period);
    const texts = { ...defaultTexts(b, district.ctx.now), requirements: '（一）强化责任。\n1.按日调度。各部门每日报送。\n（1）专人跟踪。逐件销号。' };
    expect(parseText(texts.requirements).map((t) => t.level)).toEqual([2, 3, 4]);
    const zip = await JSZip.loadAsync(await renderDocx(buildReport(b, texts)));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toMatch(/<w:pStyle w:val="Heading3"\/>.*?1\.按日调度。/s);
    expect(xml).toMatch(/<w:pStyle w:val="Heading4"\/>.*?（1）专人跟踪。/s);
  });

  it('puts 4号 "— n —" page numbers with a PAGE field on the outer side: odd pages right, even pages left', () => {
    expect(files['word/settings.xml']).toContain('<w:evenAndOddHeaders/>');
    const doc = files['word/document.xml'];
    const rels = files['word/_rels/document.xml.rels'];
    const footer = (type: string) => {
      const id = new RegExp(`<w:footerReference w:type="${type}" r:id="([^"]+)"`).exec(doc)![1];
      const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)![1];
      return files[`word/${target}`];
    };
    for (const [type, jc] of [
      ['default', 'right'],
      ['even', 'left'],
    ] as const) {
      const xml = footer(type);
      expect(xml, type).toContain('<w:instrText xml:space="preserve">PAGE</w:instrText>');
      expect(xml, type).toMatch(/<w:t xml:space="preserve">— <\/w:t><w:fldChar w:fldCharType="begin"\/>/);
      expect(xml, type).toMatch(/<w:fldChar w:fldCharType="end"\/><w:t xml:space="preserve"> —<\/w:t>/);
      expect(xml, type).toContain('<w:sz w:val="28"/>');
      expect(xml, type).toContain(`<w:jc w:val="${jc}"/>`);
      // 空一字: one 4号 character (14 pt = 280 twips) in from the outer edge.
      expect(xml, type).toContain(type === 'default' ? 'w:right="280"' : 'w:left="280"');
    }
  });

  it('ends with the issuing body and the date, then the 版记 at the foot of the page', () => {
    const ps = paragraphs().filter((p) => p.text);
    const texts = ps.map((p) => p.text);
    const sig = texts.indexOf('广安区网格化服务管理中心');
    expect(sig).toBeGreaterThan(0);
    expect(texts[sig + 1]).toBe('2023年3月20日'); // the day of the demo's clock
    expect(texts[sig + 2]).toMatch(/^抄送：/);
    expect(texts[sig + 3]).toMatch(/^广安区网格化服务管理中心2023年3月20日印发$/);
    expect(ps[sig + 2].xml).toMatch(/<w:framePr[^>]*w:vAnchor="margin"/);
    // The last rule of the 版记 is the lower edge of the text block.
    const y = Number(/w:y="(\d+)"/.exec(ps[sig + 3].xml)![1]);
    const h = Number(/<w:framePr[^>]*w:h="(\d+)"/.exec(ps[sig + 3].xml)![1]);
    expect(y + h).toBe(16838 - 2098 - 1984);
    // Signature two characters from the right, the date two characters right of the signature's first character.
    const left = (x: string) => Number(/<w:ind w:left="(\d+)"/.exec(x)![1]);
    expect(left(ps[sig + 1].xml) - left(ps[sig].xml)).toBe(632);
  });

  it('has the street ranking table with borders and a repeated header row', () => {
    const doc = files['word/document.xml'];
    expect(doc).toContain('表1　各街道工作情况排名');
    expect(doc).toContain('<w:tblHeader/>');
    expect(doc).toMatch(/<w:tblBorders><w:top w:val="single"[^>]*w:sz="4"/);
    const b = assembleBriefing(district.ctx, period);
    for (const s of b.rankings.streets) expect(doc).toContain(`<w:t xml:space="preserve">${s.name}</w:t>`);
  });

  it('holds no reporter name or phone number', () => {
    const all = Object.values(files).join('\n');
    expect(leakedPersonalData(all, district.personal())).toEqual([]);
  });

  it('carries the watermark (operator and time) in the header when asked', async () => {
    const result = await exportReport(district.service, { period, format: 'docx', operator: '李四', watermark: { enabled: true } }, district.ctx.now);
    const zip = await JSZip.loadAsync(result.data);
    const header = await zip.file(Object.keys(zip.files).find((f) => /^word\/header\d+\.xml$/.test(f))!)!.async('string');
    expect(header).toMatch(/<v:textpath[^>]*string="李四 2023-03-20 10:00"/);
    expect(header).not.toContain('§GCC-WATERMARK§');
  });
});
