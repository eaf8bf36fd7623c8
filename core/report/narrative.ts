/**
 * The narrative summary, written from the numbers in the register of a government briefing
 * ("本周共受理群众诉求…件，环比…"). Every number in a sentence is inserted from a figure, and the sentence lists the
 * keys of those figures (refs), so the UI can show where each number comes from and drill into its cases.
 * Nothing here decides a number; it only words them. A street's or community's briefing speaks of it (中桥街道共受理…)
 * and of its areas (从各社区看…), and names places below it without repeating it.
 */
import type { Briefing, NarrativeSentence, RankRow, SafeGridRisk } from '../../shared/bridge/briefing';
import type { EventKind } from '../../shared/api/schemas';
import { label } from '../../shared/vocabulary';
import { AREA_NOUN, MIN_BASE, rankedLevels, scopeKey, THRESHOLDS, type AreaLevel, type FigureBook } from './figures';
import { listNames, periodLabel, periodNoun, zhDate } from './format';
import { shanghaiDay } from '../../shared/time';

type Part = string | { ref: string };

class Writer {
  readonly sentences: NarrativeSentence[] = [];
  constructor(private readonly book: FigureBook) {}
  /** A figure's text, cited. */
  f(key: string): Part {
    if (!this.book.get(key)) throw new Error(`narrative cites a figure that does not exist: ${key}`);
    return { ref: key };
  }
  text(key: string): string {
    return this.book.get(key)?.text ?? '';
  }
  value(key: string): number | null {
    return this.book.get(key)?.value ?? null;
  }
  say(section: NarrativeSentence['section'], paragraph: number, parts: Part[]) {
    const refs: string[] = [];
    let text = '';
    for (const p of parts) {
      if (typeof p === 'string') text += p;
      else {
        text += this.text(p.ref);
        if (!refs.includes(p.ref)) refs.push(p.ref);
      }
    }
    const before = this.sentences.filter((s) => s.section === section).length;
    // Each problem (（一）, （二）, …) is a paragraph of its own.
    this.sentences.push({ id: `${section}-${before + 1}`, section, paragraph: section === 'problems' ? before : paragraph, text, refs });
  }
}

/** "，环比增长12.5%，同比下降3.0%" — only the comparisons that have a base. */
function comparisons(w: Writer, D: (metric: string, variant?: string) => string, metric: string): Part[] {
  const out: Part[] = [];
  if (w.value(D(metric, 'wow')) !== null) out.push('，环比', w.f(D(metric, 'wow')));
  if (w.value(D(metric, 'yoy')) !== null) out.push('，同比', w.f(D(metric, 'yoy')));
  return out;
}

function rowKey(level: AreaLevel | 'department', id: string, metric: string) {
  return `${level}:${id}:${metric}:value`;
}

export function buildNarrative(b: Omit<Briefing, 'narrative'>, book: FigureBook): NarrativeSentence[] {
  const w = new Writer(book);
  const noun = periodNoun(b.period);
  const scope = b.scope;
  /** The scope's own figures: district:all:… for the district, street:<id>:… for a street. */
  const D = (metric: string, variant = 'value') => scopeKey(scope, metric, variant);
  const cmp = (metric: string) => comparisons(w, D, metric);
  /** Who the text speaks of: 全区, 中桥街道, 某社区. */
  const where = scope.id === null ? '全区' : scope.name;
  // The areas ranked one level down (a district's streets) and where low satisfaction is looked for (its communities).
  const [[areaLevel, areas]] = rankedLevels(b);
  const areaNoun = AREA_NOUN[areaLevel];
  const areaName = (r: RankRow) => (areaLevel === 'grid' ? shortGrid(r.name, r.parentName ?? '') : r.name);
  const satLevel: AreaLevel = scope.level === 'community' ? 'grid' : 'community';
  /** A grid named below the scope: the levels the scope already is are left out. */
  const place = (g: Pick<SafeGridRisk, 'gridName' | 'communityName' | 'streetName'>, withStreet = false) =>
    scope.level === 'community'
      ? shortGrid(g.gridName, g.communityName)
      : `${withStreet && scope.level === 'district' ? g.streetName : ''}${g.communityName}${shortGrid(g.gridName, g.communityName)}`;
  const events = w.value(D('events')) ?? 0;

  // 一、总体情况 -----------------------------------------------------------------------------------------------
  if (events === 0) {
    w.say('overall', 0, [`${periodLabel(b.period)}，${where}未受理各类事件。`]);
  } else {
    w.say('overall', 0, [`${periodLabel(b.period)}，${where}共受理各类事件`, w.f(D('events')), ...cmp('events'), '。']);
    const kinds: EventKind[] = ['appeal', 'dispute', 'hazard', 'incident', 'service'];
    const present = kinds.filter((k) => (w.value(`kind:${k}:kind:value`) ?? 0) > 0);
    const parts: Part[] = ['其中，'];
    present.forEach((k, i) => {
      parts.push(k === 'appeal' ? `${label('kind', k)}（12345）` : label('kind', k), w.f(`kind:${k}:kind:value`), i < present.length - 1 ? '，' : '。');
    });
    w.say('overall', 0, parts);
    const closed = w.value(D('closed')) ?? 0;
    if (closed > 0) {
      w.say('overall', 0, ['已办结', w.f(D('closed')), '，按期办结率', w.f(D('onTimeRate')), ...cmp('onTimeRate'), '。']);
    } else {
      w.say('overall', 0, [`${noun}受理的事件尚未办结。`]);
    }
  }
  const appeals = w.value(D('appeals')) ?? 0;
  if (appeals > 0) {
    const parts: Part[] = ['受理群众诉求', w.f(D('appeals')), ...cmp('appeals')];
    if (w.value(D('satisfaction')) !== null) parts.push('；群众满意率', w.f(D('satisfaction')), ...cmp('satisfaction'));
    if ((w.value(D('jointAppeals')) ?? 0) > 0) parts.push('；分流交办、联动处置诉求', w.f(D('jointAppeals')));
    parts.push('。');
    w.say('overall', 1, parts);
  }
  const disputes = w.value(D('disputesFound')) ?? 0;
  if (disputes > 0) {
    w.say('overall', 1, [
      '排查矛盾纠纷',
      w.f(D('disputesFound')),
      '，已化解',
      w.f(D('disputesResolved')),
      '，化解率',
      w.f(D('disputeResolutionRate')),
      ...cmp('disputeResolutionRate'),
      '。',
    ]);
  }
  if ((w.value(D('difficultiesSolved')) ?? 0) > 0) w.say('overall', 1, ['为民服务解决群众困难', w.f(D('difficultiesSolved')), '。']);

  // Exceptions: overdue, safe grids, repeated appeals ------------------------------------------------------------
  const asOfDay = shanghaiDay(Date.parse(b.asOf) - 1);
  const overdue = w.value(D('overdue')) ?? 0;
  if (overdue === 0) {
    w.say('exceptions', 0, [`截至${zhDate(asOfDay)}，${where}无超期未办结事件。`]);
  } else {
    const parts: Part[] = [`截至${zhDate(asOfDay)}，${where}超期未办结事件`, w.f(D('overdue'))];
    const most = areas
      .filter((s) => s.overdue > 0)
      .sort((x, y) => y.overdue - x.overdue)
      .slice(0, 2);
    if (most.length) {
      parts.push('，主要分布在');
      most.forEach((s, i) => parts.push(i ? '、' : '', areaName(s), '（', w.f(rowKey(areaLevel, s.id, 'overdue')), '）'));
    }
    const depts = b.rankings.departments
      .filter((d) => d.overdue > 0)
      .sort((x, y) => y.overdue - x.overdue)
      .slice(0, 3);
    if (depts.length) {
      parts.push('；涉及部门较多的是');
      depts.forEach((d, i) => parts.push(i ? '、' : '', d.fullName ?? d.name, '（', w.f(rowKey('department', d.id, 'overdue')), '）'));
    }
    parts.push('。');
    w.say('exceptions', 0, parts);
  }
  const atRisk = b.exceptions.safeGrids.filter((g) => g.status === 'at_risk');
  const parts: Part[] = [`${where}现有平安网格`, w.f(D('safeGrids'))];
  if (atRisk.length) {
    const criteria = [...new Set(atRisk.flatMap((g) => g.criteria))].map((c) => label('criterion', c));
    const fresh = atRisk.filter((g) => g.newInPeriod);
    parts.push('；本季度已有', w.f(D('safeGridsAtRisk')), `平安网格发生${listNames(criteria.slice(0, 4))}等情形，面临失去称号风险`);
    if (fresh.length) {
      parts.push(
        `，其中${noun}新增`,
        w.f(freshKey(book, fresh.length)),
        `（${listNames(fresh.slice(0, 3).map((g) => place(g)))}${fresh.length > 3 ? '等' : ''}）`,
      );
    }
  }
  if (b.safeGrids.lost > 0) parts.push('；上季度评定中', w.f(D('safeGridsLost')), '网格失去平安网格称号');
  parts.push('。');
  w.say('exceptions', 1, parts);
  const repeats = w.value(D('repeatAppeals')) ?? 0;
  if (repeats > 0) {
    const top = b.exceptions.repeats.filter((g) => g.count >= 2).slice(0, 3);
    const rp: Part[] = [`${noun}同一地点重复诉求`, w.f(D('repeatAppeals')), ...cmp('repeatAppeals')];
    if (top.length) {
      rp.push('，较集中的是');
      top.forEach((g, i) => rp.push(i ? '、' : '', place(g), '（', w.f(`grid:${g.gridId}:repeatAppeals:value`), `，反映“${quoted(g.title)}”）`));
    } else {
      const places = book.add({
        metric: 'repeatAppeals',
        variant: 'value',
        subject: { level: 'district', id: 'places', name: '涉及网格' },
        unit: 'count',
        value: b.exceptions.repeats.length,
        text: `${b.exceptions.repeats.length}个`,
        drill: { status: 'repeat' },
      });
      rp.push('，分散在', w.f(places), '网格');
    }
    rp.push('。');
    w.say('exceptions', 1, rp);
  }

  // 二、各街道工作情况 (a street's: 各社区, a community's: 各网格) -------------------------------------------------
  if (areas.some((s) => s.events > 0)) {
    const top = areas.filter((s) => s.events > 0).slice(0, 2);
    const sp: Part[] = [`从各${areaNoun}看，受理量居前的是`];
    top.forEach((s, i) => sp.push(i ? '、' : '', areaName(s), '（', w.f(rowKey(areaLevel, s.id, 'events')), '）'));
    const judged = areas.filter((s) => s.onTimeRate !== null && s.closed >= MIN_BASE[areaLevel]).sort((x, y) => y.onTimeRate! - x.onTimeRate!);
    // Best and worst only when they differ (a street whose communities all closed on time has no worst).
    if (judged.length >= 2 && judged[0].onTimeRate! > judged[judged.length - 1].onTimeRate!) {
      const best = judged[0];
      const worst = judged[judged.length - 1];
      sp.push(
        '；按期办结率最高的是',
        areaName(best),
        '（',
        w.f(rowKey(areaLevel, best.id, 'onTimeRate')),
        '），最低的是',
        areaName(worst),
        '（',
        w.f(rowKey(areaLevel, worst.id, 'onTimeRate')),
        '）',
      );
    }
    sp.push('。');
    w.say('streets', 0, sp);
    const sat = areas
      .filter((s) => s.satisfaction !== null && s.rated >= MIN_BASE[areaLevel] && s.satisfaction < 1)
      .sort((x, y) => x.satisfaction! - y.satisfaction!);
    const mostOverdue = [...areas].sort((x, y) => y.overdue - x.overdue)[0];
    const p2: Part[] = [];
    if (sat.length) p2.push('群众满意率最低的是', areaName(sat[0]), '（', w.f(rowKey(areaLevel, sat[0].id, 'satisfaction')), '）');
    if (mostOverdue && mostOverdue.overdue > 0)
      p2.push(p2.length ? '；' : '', '超期未办结事件最多的是', areaName(mostOverdue), '（', w.f(rowKey(areaLevel, mostOverdue.id, 'overdue')), '）');
    if (p2.length) w.say('streets', 0, [...p2, '。']);
  } else {
    w.say('streets', 0, [`${noun}各${areaNoun}均未受理事件。`]);
  }

  // 三、存在问题 -------------------------------------------------------------------------------------------------
  let item = 0;
  const heading = () => `（${['一', '二', '三', '四', '五'][item++]}）`;
  const depts = b.rankings.departments.filter((d) => d.onTimeRate !== null && d.closed >= MIN_BASE.department);
  const late = depts
    .filter((d) => d.onTimeRate! < THRESHOLDS.onTimeRate)
    .sort((x, y) => x.onTimeRate! - y.onTimeRate! || y.overdue - x.overdue)
    .slice(0, 5);
  const overdueDepts = b.rankings.departments
    .filter((d) => d.overdue > 0 && !late.includes(d))
    .sort((x, y) => y.overdue - x.overdue)
    .slice(0, 3);
  if (late.length || overdueDepts.length) {
    const pp: Part[] = [`${heading()}部分部门办理不够及时。`];
    if (late.length) {
      pp.push(`${noun}按期办结率偏低的部门有：`);
      late.forEach((d, i) =>
        pp.push(
          i ? '，' : '',
          d.fullName ?? d.name,
          '按期办结率',
          w.f(rowKey('department', d.id, 'onTimeRate')),
          ...(d.overdue > 0 ? ['、超期未办结', w.f(rowKey('department', d.id, 'overdue'))] : []),
        ),
      );
      pp.push('。');
    }
    if (overdueDepts.length) {
      overdueDepts.forEach((d, i) => pp.push(i ? '，' : '', d.fullName ?? d.name, '超期未办结', w.f(rowKey('department', d.id, 'overdue'))));
      pp.push('。');
    }
    w.say('problems', item, pp);
  } else if (depts.length) {
    const lowest = [...depts].sort((x, y) => x.onTimeRate! - y.onTimeRate!)[0];
    w.say('problems', item, [
      `${heading()}办理时效总体较好。各部门按期办结率总体保持较高水平，其中`,
      lowest.fullName ?? lowest.name,
      '相对较低（',
      w.f(rowKey('department', lowest.id, 'onTimeRate')),
      '）。',
    ]);
  }
  // Communities (a community's briefing: its grids); the district's are named with their street.
  const lowSat = lowSatisfactionCommunities(satLevel === 'grid' ? b.rankings.grids : b.rankings.communities);
  const satNoun = AREA_NOUN[satLevel];
  const satName = (c: RankRow) => (satLevel === 'grid' ? areaName(c) : scope.level === 'district' ? `${c.parentName ?? ''}${c.name}` : c.name);
  if (lowSat.length) {
    const pp: Part[] = [`${heading()}部分${satNoun}群众满意度不高。`];
    lowSat.forEach((c, i) => pp.push(i ? '，' : '', satName(c), '满意率', w.f(rowKey(satLevel, c.id, 'satisfaction'))));
    pp.push('，群众反映的问题未得到有效解决。');
    w.say('problems', item, pp);
  } else if ((w.value(D('satisfaction')) ?? null) !== null) {
    w.say('problems', item, [`${heading()}群众满意度总体较高。${noun}各${satNoun}未出现不满意评价，群众满意率`, w.f(D('satisfaction')), '。']);
  }
  const freshRisk = atRisk.filter((g) => g.newInPeriod);
  if (freshRisk.length) {
    const names = freshRisk.slice(0, 5).map((g) => place(g, true));
    const crit = [...new Set(freshRisk.flatMap((g) => g.criteria))].map((c) => label('criterion', c));
    w.say('problems', item, [
      `${heading()}平安网格创建压力加大。${noun}${listNames(names)}`,
      ...(freshRisk.length > 5 ? ['等', w.f(freshKey(book, freshRisk.length)), '网格'] : []),
      `发生${listNames(crit)}等情形，面临失去平安网格称号风险。`,
    ]);
  }
  if (repeats > 0) {
    const top = b.exceptions.repeats[0];
    w.say('problems', item, [
      `${heading()}重复诉求仍有发生。${noun}同一地点重复诉求`,
      w.f(D('repeatAppeals')),
      '，其中',
      place(top, true),
      top.count >= 2 ? '（' : '',
      ...(top.count >= 2 ? [w.f(`grid:${top.gridId}:repeatAppeals:value`), '）'] : []),
      `反复反映“${quoted(top.title)}”，诉求未能一次性解决到位。`,
    ]);
  }
  if (item === 0) w.say('problems', 0, [`${noun}未发现需要点名通报的突出问题。`]);
  return w.sentences;
}

/** The count of titled grids whose first breach this quarter fell in the period. */
function freshKey(book: FigureBook, count: number): string {
  return book.add({
    metric: 'safeGridsAtRisk',
    variant: 'value',
    subject: { level: 'district', id: 'new', name: '本期新增' },
    unit: 'count',
    value: count,
    drill: null,
  });
}

/** Communities with at least one dissatisfied rating, lowest rate first (at most five): named as low-satisfaction. */
export function lowSatisfactionCommunities(rows: RankRow[]): RankRow[] {
  return rows
    .filter((c) => c.satisfaction !== null && dissatisfied(c) > 0)
    .sort((x, y) => x.satisfaction! - y.satisfaction! || dissatisfied(y) - dissatisfied(x) || (x.name < y.name ? -1 : 1))
    .slice(0, 5);
}

export function dissatisfied(r: RankRow): number {
  return r.satisfaction === null ? 0 : r.rated - Math.round(r.satisfaction * r.rated);
}

/** A case title as the text quotes it: without a leading tag such as "（重复诉求）". */
export function quoted(title: string): string {
  return title.replace(/^[（(【\[][^）)】\]]{1,8}[）)】\]]\s*/, '').trim() || title;
}

/** "翠屏路社区第1网格" within 翠屏路社区 reads "第1网格". */
export function shortGrid(gridName: string, communityName: string): string {
  return communityName && gridName.startsWith(communityName) ? gridName.slice(communityName.length) : gridName;
}
