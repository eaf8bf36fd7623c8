/**
 * One vocabulary: every term of the contract's enums has its labels, a family never gives two terms the same
 * label, and the places that show the terms — the i18n catalogues, the narrative, the XLSX appendix, the importers'
 * option lists — show the vocabulary's words (so a stage reads the same on the wall as in the XLSX).
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EventKind, EventSource, SafeCriterion, Satisfaction, ServiceActivity, Severity, Stage } from '../../shared/api/schemas';
import type { Briefing, CaseRow } from '../../shared/bridge/briefing';
import { resolvePeriod } from '../../shared/time';
import { GridState } from '../../shared/bridge/scene';
import { idsByZhLabel, idsOf, label, labels, type Family } from '../../shared/vocabulary';
import zhCN from '../../renderer/src/common/i18n/zh-CN';
import enUS from '../../renderer/src/common/i18n/en-US';
import { renderXlsx } from '../../core/report/xlsx';
import { buildNarrative } from '../../core/report/narrative';
import { FigureBook } from '../../core/report/figures';
import { SAFE_GRIDS_TEMPLATE, CRITERION_LABELS } from '../../central/import/sources/safe-grids';
import { DISPUTES_TEMPLATE } from '../../central/import/sources/disputes';
import { HAZARDS_TEMPLATE } from '../../central/import/sources/hazards';
import { HOTLINE_TEMPLATE } from '../../central/import/sources/hotline';
import { SERVICES_TEMPLATE } from '../../central/import/sources/services';
import { readField } from '../../central/import/table/field';
import type { TableTemplate } from '../../central/import/types';

const ENUMS: Record<Family, readonly string[]> = {
  kind: EventKind.options,
  stage: Stage.options,
  criterion: SafeCriterion.options,
  severity: Severity.options,
  source: EventSource.options,
  satisfaction: Satisfaction.options,
  serviceType: ServiceActivity.shape.type.options,
  gridStatus: GridState.shape.status.options,
};
const FAMILIES = Object.keys(ENUMS) as Family[];

describe('the vocabulary', () => {
  it('labels every id of each enum of the contract, in both languages, and nothing else', () => {
    for (const family of FAMILIES) {
      expect(idsOf(family), family).toEqual(ENUMS[family]);
      for (const id of idsOf(family)) {
        expect(label(family, id, 'zh-CN'), `${family}.${id}`).toMatch(/\S/);
        expect(label(family, id, 'en-US'), `${family}.${id}`).toMatch(/^[^\u4e00-\u9fff]+$/);
      }
    }
  });

  it('gives no two terms of a family the same label or short form', () => {
    for (const family of FAMILIES) {
      for (const locale of ['zh-CN', 'en-US'] as const) {
        for (const form of ['label', 'short'] as const) {
          const words = Object.values(labels(family, locale, form));
          expect(new Set(words).size, `${family} ${locale} ${form}: ${words.join(', ')}`).toBe(words.length);
        }
      }
    }
  });

  it('words the closed loop as the source article does, and the criteria as its 无…', () => {
    expect(Stage.options.map((s) => label('stage', s))).toEqual(['发现上报', '分析研判', '分流办理', '跟踪督导', '考核评价', '办结']);
    expect(SafeCriterion.options.map((c) => `无${label('criterion', c)}`).join('、')).toBe(
      '无发案、无邪教、无黄赌毒窝点、无传销、无火灾事故、无交通事故、无集体上访、无电信诈骗',
    );
  });

  it('falls back to the label where a term has no short form, and reverses Chinese labels for importers', () => {
    expect(label('criterion', 'vice', 'zh-CN', 'short')).toBe('黄赌毒');
    expect(label('stage', 'reported', 'zh-CN', 'short')).toBe('发现上报');
    expect(idsByZhLabel('severity')).toEqual({ 一般: 'low', 较大: 'medium', 重大: 'high', 特别重大: 'critical' });
  });
});

describe('the i18n catalogues', () => {
  it('show the vocabulary on the wall and in the briefing, in both languages', () => {
    for (const [catalogue, locale] of [
      [zhCN, 'zh-CN'],
      [enUS, 'en-US'],
    ] as const) {
      for (const family of ['kind', 'stage', 'criterion', 'severity'] as const)
        expect(catalogue.wall[family], `${locale} wall.${family}`).toEqual(labels(family, locale));
      expect(catalogue.wall.criterionShort).toEqual(labels('criterion', locale, 'short'));
      expect(catalogue.wall.status).toEqual(labels('gridStatus', locale, 'short'));
      expect(catalogue.briefing.drill.gridStatus).toEqual(labels('gridStatus', locale));
      for (const family of ['kind', 'stage', 'criterion', 'satisfaction'] as const) {
        expect(catalogue.briefing[family], `${locale} briefing.${family}`).toEqual(labels(family, locale));
      }
      const { series, kpi } = catalogue.wall;
      expect([series.satisfied, series.basic, series.dissatisfied]).toEqual(Object.values(labels('satisfaction', locale)));
      expect([series.projects, series.sessions, series.wishes, series.matched]).toEqual(Object.values(labels('serviceType', locale)));
      expect([kpi.projects, kpi.sessions, kpi.microWishes, kpi.demandsMatched]).toEqual(Object.values(labels('serviceType', locale)));
      expect(catalogue.briefing.status.dissatisfied).toBe(label('satisfaction', 'dissatisfied', locale));
    }
  });
});

// ---- the reports -------------------------------------------------------------------------------------------------

const period = resolvePeriod({ kind: 'week', week: '2026-W47' });

function briefingWith(parts: { risks?: Briefing['exceptions']['safeGrids']; figures?: FigureBook }): Briefing {
  return {
    period,
    scope: { id: null, level: 'district', name: '广安区', path: [{ id: null, level: 'district', name: '广安区' }], areaLevel: 'street', unknown: null },
    generatedAt: '2026-11-23T08:00:00+08:00',
    asOf: '2026-11-23T00:00:00+08:00',
    cursorRev: 1,
    kpis: [],
    byKind: { incident: 0, dispute: 0, hazard: 0, appeal: 0, service: 0 },
    safeGrids: { period: '2026-Q4', safe: 1, atRisk: parts.risks?.length ?? 0, lost: 0, total: 1 },
    trend: { daily: [], periods: [] },
    rankings: { streets: [], communities: [], grids: [], departments: [] },
    worst: [],
    exceptions: { overdue: { total: 0, byDepartment: [], byArea: [], cases: [] }, safeGrids: parts.risks ?? [], repeats: [] },
    figures: parts.figures?.figures ?? {},
    narrative: [],
    demo: true,
  };
}

const everyCriterion: Briefing['exceptions']['safeGrids'][number] = {
  gridId: 'g1',
  gridName: '翠屏路社区第1网格',
  communityName: '翠屏路社区',
  streetName: '浓洄街道',
  status: 'at_risk',
  period: '2026-Q4',
  criteria: [...SafeCriterion.options],
  firstBrokenDay: 20261118,
  newInPeriod: true,
};

function caseIn(stage: Stage, kind: EventKind): CaseRow {
  return {
    id: `E-${stage}`,
    kind,
    severity: 'low',
    source: 'grid_worker',
    stage,
    title: '楼道堆物',
    gridId: 'g1',
    gridName: '翠屏路社区第1网格',
    streetName: '浓洄街道',
    communityName: '翠屏路社区',
    location: [106.63, 30.46],
    reportedAt: '2026-11-02T09:00:00+08:00',
    deadline: '2026-11-10T18:00:00+08:00',
    overdue: true,
    department: null,
    criterion: null,
    satisfaction: null,
    reporter: '张** 138****5678',
    closedAt: null,
    repeatOf: null,
    late: false,
    outcome: null,
  };
}

describe('the reports', () => {
  it('name stages, kinds, criteria and grid statuses in the XLSX appendix as the wall and the briefing do', async () => {
    const openStages = Stage.options.filter((s) => s !== 'closed');
    const kinds = openStages.map((_, i) => EventKind.options[i % EventKind.options.length]);
    const data = await renderXlsx({
      briefing: briefingWith({ risks: [everyCriterion] }),
      grids: (['safe', 'at_risk'] as const).map((title) => ({
        id: title,
        gridName: title,
        communityName: '',
        streetName: '',
        events: 0,
        open: 0,
        critical: 0,
        title,
        criteria: [],
      })),
      overdue: openStages.map((s, i) => caseIn(s, kinds[i])),
      title: '通报',
      issuer: '中心',
      operator: '测试员',
      watermark: null,
      generatedAt: '2026-11-23T08:00:00+08:00',
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ArrayBuffer);
    const column = (sheet: string, header: string) => {
      const ws = wb.getWorksheet(sheet)!;
      const i = (ws.getRow(1).values as unknown[]).indexOf(header);
      expect(i, `${sheet}: ${header}`).toBeGreaterThan(0);
      return (ws.getColumn(i).values as unknown[]).slice(2);
    };
    expect(column('超期案件', '当前环节')).toEqual(openStages.map((s) => zhCN.wall.stage[s]));
    expect(column('超期案件', '当前环节')).toEqual(openStages.map((s) => zhCN.briefing.stage[s]));
    expect(column('超期案件', '类别')).toEqual(kinds.map((k) => zhCN.wall.kind[k]));
    expect(column('网格', '平安网格状态')).toEqual([zhCN.briefing.drill.gridStatus.safe, zhCN.briefing.drill.gridStatus.at_risk]);
    expect(column('平安网格风险', '涉及情形')).toEqual([SafeCriterion.options.map((c) => zhCN.briefing.criterion[c]).join('、')]);
  });

  it('name kinds and criteria in the narrative with the vocabulary', () => {
    const book = new FigureBook();
    const figure = (metric: 'events' | 'safeGrids' | 'safeGridsAtRisk', value: number) =>
      book.add({ metric, variant: 'value', subject: { level: 'district', id: 'all', name: '全区' }, unit: 'count', value, drill: null });
    figure('events', 5);
    figure('safeGrids', 1);
    figure('safeGridsAtRisk', 1);
    book.add({ metric: 'kind', variant: 'value', subject: { level: 'kind', id: 'dispute', name: '矛盾纠纷' }, unit: 'count', value: 3, drill: null });
    book.add({ metric: 'kind', variant: 'value', subject: { level: 'kind', id: 'appeal', name: '群众诉求' }, unit: 'count', value: 2, drill: null });
    const text = buildNarrative(briefingWith({ risks: [everyCriterion], figures: book }), book)
      .map((s) => s.text)
      .join('');
    expect(text).toContain(`${label('kind', 'appeal')}（12345）2件，${label('kind', 'dispute')}3件。`);
    const problem = text.slice(text.indexOf('平安网格创建压力加大'));
    for (const c of SafeCriterion.options) expect(problem, c).toContain(label('criterion', c));
  });
});

// ---- the importers -----------------------------------------------------------------------------------------------

const fieldOf = (template: TableTemplate, key: string) => template.fields.find((f) => f.key === key)!;

describe("the importers' options", () => {
  it('are the vocabulary labels, with the ledgers’ other wordings as synonyms', () => {
    const broken = fieldOf(SAFE_GRIDS_TEMPLATE, 'broken');
    expect(broken.options).toEqual([...Object.values(labels('criterion', 'zh-CN')), '无']);
    expect(readField('黄赌毒、火灾、邪教活动', broken).value).toEqual([label('criterion', 'vice'), label('criterion', 'fire'), label('criterion', 'cult')]);
    expect(Object.values(CRITERION_LABELS)).toEqual(SafeCriterion.options);

    for (const ledger of [DISPUTES_TEMPLATE, HAZARDS_TEMPLATE]) expect(fieldOf(ledger, 'level').options).toEqual(Object.values(labels('severity', 'zh-CN')));
    expect(fieldOf(HOTLINE_TEMPLATE, 'satisfaction').options).toEqual([...Object.values(labels('satisfaction', 'zh-CN')), '未评价']);
    expect(fieldOf(SERVICES_TEMPLATE, 'type').options).toEqual(Object.values(labels('serviceType', 'zh-CN')));
  });
});
