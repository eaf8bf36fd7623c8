/**
 * The 通报 template: its default texts for a period (editable in the app before export) and the structured
 * document that the DOCX, HTML/PDF renderers all draw from, so the three formats say the same thing.
 *
 * Sections: 一、总体情况  二、各街道工作情况（排名表）  三、存在问题（点名通报）  四、下步工作要求, then the
 * attachment note, the issuing body and the date; the 版记 (抄送, 印发) closes the document.
 *
 * A street's or community's 通报 is a document of it: its title, intro and requirements name it, section 二 and
 * table 1 rank its areas (a street's communities, a community's grids) and table 2 lists the departments that
 * handled its cases. The district's centre still issues it (the texts are editable).
 */
import type { Briefing, RankRow, ReportTexts } from '../../shared/bridge/briefing';
import type { Scope } from '../../shared/bridge/scene';
import { nextIsoWeekday, shanghaiDay, yearOf } from '../../shared/time';
import { fmtRate, periodShort, zhDate, zhMonthDay } from './format';
import { AREA_NOUN, rankedLevels } from './figures';
import { shortGrid } from './narrative';
import { scrubText } from './mask';

export const DEFAULT_ISSUER = '广安区网格化服务管理中心';

/** A line of body text: a paragraph, or a heading of level 1–4 (一、 （一） 1. （1）), possibly run-in. */
export interface TextBlock {
  type: 'text';
  /** 0 = body paragraph; 1 = 一、 (its own line, 黑体); 2 = （一） 楷体; 3 = 1. 仿宋; 4 = （1） 仿宋 */
  level: 0 | 1 | 2 | 3 | 4;
  /** The heading part (run-in headings end at their first 。), empty for a body paragraph. */
  heading: string;
  /** The body part after a run-in heading, or the whole paragraph. */
  body: string;
}

export interface TableColumn {
  header: string;
  /** Share of the text width. */
  width: number;
  align: 'left' | 'center' | 'right';
  numeric?: boolean;
}

export interface TableBlock {
  type: 'table';
  caption: string;
  columns: TableColumn[];
  rows: string[][];
  note: string | null;
}

export type Block = TextBlock | TableBlock;

export interface ReportDocument {
  mark: string;
  docNumber: string;
  /** Title lines (a line break in the title text starts a new line). */
  title: string[];
  recipients: string;
  body: Block[];
  attachment: string | null;
  issuer: string;
  date: string;
  cc: string;
  printer: string;
  printDate: string;
  /** Operator and time across each page, or null. */
  watermark: string | null;
  demo: boolean;
  periodKey: string;
  /** Every figure the document states, for tests and tracing: key → text. */
  figures: Record<string, string>;
}

const paragraphsOf = (b: Briefing, section: 'overall' | 'streets' | 'problems' | 'exceptions') => {
  const groups = new Map<number, string[]>();
  for (const s of b.narrative.filter((x) => x.section === section)) groups.set(s.paragraph, [...(groups.get(s.paragraph) ?? []), s.text]);
  return [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, texts]) => texts.join(''));
};

/** The briefing with its narrative as edited in the app (scrubbed of phone and ID numbers). */
export function applyNarrativeEdits(b: Briefing, edits: Record<string, string>): Briefing {
  if (!Object.keys(edits).length) return b;
  return { ...b, narrative: b.narrative.map((s) => (edits[s.id] !== undefined ? { ...s, text: scrubText(edits[s.id].trim()) } : s)).filter((s) => s.text) };
}

/** The place a 通报 is of, as its texts name it: 全区, 中桥街道, 中桥街道翠屏路社区. */
export function scopePlace(scope: Scope): string {
  return scope.id === null
    ? '全区'
    : scope.path
        .slice(1)
        .map((s) => s.name)
        .join('');
}

/** The default texts of the 通报 for a briefing; `now` dates it. */
export function defaultTexts(b: Briefing, now: number, issuer = DEFAULT_ISSUER): ReportTexts {
  const p = b.period;
  const year = yearOf(p.from);
  const seq = p.kind === 'week' ? Number(p.key.slice(6)) : p.kind === 'month' ? Number(p.key.slice(5)) : 1;
  const today = shanghaiDay(now);
  const due = nextIsoWeekday(today, 5); // the Friday after today
  const noun = p.kind === 'week' ? '本周' : p.kind === 'month' ? '本月' : '本期';
  const scope = b.scope;
  const place = scopePlace(scope);
  const street = scope.path[1]?.name ?? '';
  const areaNoun = AREA_NOUN[rankedLevels(b)[0][0]];
  // Who acts on it: the district's streets; a street's communities; a community's grids.
  const units = { district: '各街道', street: `${street}各社区`, community: `${scope.name}各网格` }[scope.level];
  return {
    mark: `${issuer}文件`,
    docNumber: `广网格通〔${year}〕${seq}号`,
    title: scope.id === null ? `关于${periodShort(p)}全区网格化\n服务管理工作情况的通报` : `关于${periodShort(p)}${place}\n网格化服务管理工作情况的通报`,
    recipients: {
      district: '各街道办事处，区级各有关部门：',
      street: `${street}办事处，${street}各社区居民委员会，区级各有关部门：`,
      community: `${street}办事处，${scope.name}居民委员会，区级各有关部门：`,
    }[scope.level],
    intro: `为全面掌握${place}网格化服务管理工作运行情况，压紧压实各级各部门工作责任，推动群众诉求“接诉即办”、矛盾纠纷“抓早抓小”，现将${periodShort(p)}工作情况通报如下。`,
    overall: [...paragraphsOf(b, 'overall'), ...paragraphsOf(b, 'exceptions')].join('\n'),
    streets: [...paragraphsOf(b, 'streets'), `各${areaNoun}主要指标排名情况见表1。`].join('\n'),
    problems: [...b.narrative.filter((s) => s.section === 'problems').map((s) => s.text), '各部门办理情况见表2。'].join('\n'),
    requirements: [
      '（一）压实办理责任。各责任部门要对照本通报点名的问题逐项认领、限时整改，对超期未办结事件实行挂牌督办，确保按期办结率稳步提升。',
      `（二）提升群众满意度。${scope.id === null ? '各街道、社区' : units}要对不满意诉求逐件回访，查找办理中的薄弱环节，做到事事有回音、件件有着落。`,
      `（三）巩固平安网格创建成果。对发生发案等情形的网格，${{ district: '所在街道', street: '所在社区', community: '社区' }[scope.level]}要督促分析原因、落实整改，全面排查安全隐患，防止同类问题反复发生。`,
      '（四）健全重复诉求化解机制。对同一地点反复诉求的事项，要组织相关部门联合会商，从根源上推动问题解决，减少重复诉求。',
      `${units}、各部门请于${zhMonthDay(due)}前将${noun}点名问题整改落实情况报区网格化服务管理中心。`,
    ].join('\n'),
    issuer,
    date: zhDate(today),
    cc: '区委政法委，区委社会工作部，区政府办公室。',
  };
}

const HEADINGS: [RegExp, TextBlock['level']][] = [
  [/^[一二三四五六七八九十]+、/, 1],
  [/^（[一二三四五六七八九十]+）/, 2],
  [/^\d+[.．]/, 3],
  [/^（\d+）/, 4],
];

/** One paragraph a line; headings recognised by their numbering. Level 2–4 headings run in up to their first 。 */
export function parseText(text: string): TextBlock[] {
  const out: TextBlock[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = scrubText(raw.trim());
    if (!line) continue;
    const level = HEADINGS.find(([re]) => re.test(line))?.[1] ?? 0;
    if (level === 0) out.push({ type: 'text', level: 0, heading: '', body: line });
    else if (level === 1) out.push({ type: 'text', level: 1, heading: line, body: '' });
    else {
      const stop = line.indexOf('。');
      const split = stop >= 0 && stop < 40 ? stop + 1 : line.length;
      out.push({ type: 'text', level, heading: line.slice(0, split), body: line.slice(split) });
    }
  }
  return out;
}

const signed = (rate: number | null) => {
  if (rate === null) return '—';
  const p = Math.round(rate * 1000) / 10;
  return p === 0 ? '0.0%' : `${p > 0 ? '+' : '−'}${Math.abs(p).toFixed(1)}%`;
};

/** Best first: on-time rate, then satisfaction, then volume; units with nothing to measure last. */
export function byPerformance(rows: RankRow[]): RankRow[] {
  const v = (r: number | null) => (r === null ? -1 : r);
  return [...rows].sort(
    (a, b) => v(b.onTimeRate) - v(a.onTimeRate) || v(b.satisfaction) - v(a.satisfaction) || b.events - a.events || a.name.localeCompare(b.name, 'zh-CN'),
  );
}

/** Table 1: the scope's areas (a district's streets, a street's communities, a community's grids) ranked. */
function areaTable(b: Briefing, asOfText: string): TableBlock {
  const [[level, areas]] = rankedLevels(b);
  const noun = AREA_NOUN[level];
  const wide = level === 'community';
  const rows = byPerformance(areas).map((r, i) => [
    String(i + 1),
    level === 'grid' ? shortGrid(r.name, r.parentName ?? '') : r.name,
    String(r.events),
    signed(r.wow),
    String(r.closed),
    fmtRate(r.onTimeRate),
    fmtRate(r.satisfaction),
    fmtRate(r.disputeResolutionRate),
    String(r.overdue),
  ]);
  return {
    type: 'table',
    caption: `表1　各${noun}工作情况排名`,
    columns: [
      { header: '排名', width: 0.07, align: 'center' },
      // Community names run to 5–6 characters (周家巷社区), streets' and grids' to 4: the counts give way.
      { header: noun, width: wide ? 0.2 : 0.15, align: 'center' },
      { header: '受理（件）', width: wide ? 0.08 : 0.1, align: 'center', numeric: true },
      { header: '环比', width: 0.1, align: 'center', numeric: true },
      { header: '办结（件）', width: wide ? 0.08 : 0.1, align: 'center', numeric: true },
      { header: '按期办结率', width: 0.12, align: 'center', numeric: true },
      { header: '群众满意率', width: 0.12, align: 'center', numeric: true },
      { header: '纠纷化解率', width: 0.12, align: 'center', numeric: true },
      { header: '超期未办结（件）', width: wide ? 0.11 : 0.12, align: 'center', numeric: true },
    ],
    rows,
    note: `注：排名依据按期办结率、群众满意率由高到低确定。按期办结率＝按期办结件数÷办结件数；群众满意率＝（满意＋基本满意）÷已评价件数；超期未办结为截至${asOfText}仍未办结且已超过办理时限的件数。`,
  };
}

function departmentTable(b: Briefing): TableBlock {
  // A street's or community's: the departments that had its cases (most of the district's have none in a week).
  const departments = b.scope.id === null ? b.rankings.departments : b.rankings.departments.filter((d) => d.events > 0 || d.overdue > 0);
  const rows = byPerformance(departments).map((r, i) => [
    String(i + 1),
    r.fullName ?? r.name,
    String(r.events),
    String(r.closed),
    fmtRate(r.onTimeRate),
    fmtRate(r.satisfaction),
    String(r.overdue),
  ]);
  return {
    type: 'table',
    caption: '表2　各部门办理情况',
    columns: [
      { header: '排名', width: 0.07, align: 'center' },
      { header: '部门', width: 0.37, align: 'left' },
      { header: '承办（件）', width: 0.1, align: 'center', numeric: true },
      { header: '办结（件）', width: 0.1, align: 'center', numeric: true },
      { header: '按期办结率', width: 0.12, align: 'center', numeric: true },
      { header: '群众满意率', width: 0.12, align: 'center', numeric: true },
      { header: '超期未办结（件）', width: 0.12, align: 'center', numeric: true },
    ],
    rows,
    note: null,
  };
}

export interface BuildOptions {
  watermark?: string | null;
}

/** The document for a briefing and its (edited) texts. */
export function buildReport(b: Briefing, texts: ReportTexts, options: BuildOptions = {}): ReportDocument {
  const asOfDay = shanghaiDay(Date.parse(b.asOf) - 1);
  const asOfText = `${zhDate(asOfDay)}24时`;
  const section = (heading: string, text: string, ...tables: TableBlock[]): Block[] => [
    { type: 'text', level: 1, heading, body: '' },
    ...parseText(text),
    ...tables,
  ];
  const body: Block[] = [
    ...parseText(texts.intro),
    ...section('一、总体情况', texts.overall),
    ...section(`二、各${AREA_NOUN[rankedLevels(b)[0][0]]}工作情况`, texts.streets, areaTable(b, asOfText)),
    ...section('三、存在问题', texts.problems, departmentTable(b)),
    ...section('四、下步工作要求', texts.requirements),
  ];
  const figures: Record<string, string> = {};
  for (const s of b.narrative) for (const ref of s.refs) figures[ref] = b.figures[ref]?.text ?? '';
  return {
    mark: scrubText(texts.mark.trim()),
    docNumber: scrubText(texts.docNumber.trim()),
    title: texts.title
      .split(/\r?\n/)
      .map((l) => scrubText(l.trim()))
      .filter(Boolean),
    recipients: scrubText(texts.recipients.trim()),
    body,
    attachment: `${periodShort(b.period)}${b.scope.id === null ? '' : scopePlace(b.scope)}网格化服务管理数据明细表`,
    issuer: scrubText(texts.issuer.trim()),
    date: scrubText(texts.date.trim()),
    cc: scrubText(texts.cc.trim()),
    printer: scrubText(texts.issuer.trim()),
    printDate: scrubText(texts.date.trim()),
    watermark: options.watermark ?? null,
    demo: b.demo,
    periodKey: b.period.key,
    figures,
  };
}

/** The file name stem: 网格化服务管理工作通报-2026-W47, a street's 中桥街道网格化服务管理工作通报-2026-W47. */
export function fileStem(b: Briefing): string {
  return `${b.scope.id === null ? '' : scopePlace(b.scope)}网格化服务管理工作通报-${b.period.key}`;
}
