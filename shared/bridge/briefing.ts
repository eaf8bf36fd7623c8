/**
 * The weekly briefing (周报研判) and the 通报 export as the bridge carries them: which period, the briefing's
 * figures, the cases behind a figure, the report's editable texts and the exported file. Pure schemas; the calendar
 * of periods (ISO weeks, months, custom ranges in Asia/Shanghai) is shared/time. Personal data never appears here
 * unmasked.
 */
import { z } from 'zod';
import { EventKind, SafeCriterion } from '../api/schemas';
import { dayCount, parseIsoWeek, periodSpecOfKey } from '../time';
import { CalendarDay, Day, EventSummary, RankingRow, RegionId, Scope } from './scene';

// ---- periods -----------------------------------------------------------------------------------------------------

/** The longest custom range a briefing covers. */
export const MAX_CUSTOM_DAYS = 366;

export const PeriodRequest = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('week'),
        week: z
          .string()
          .regex(/^\d{4}-W\d{2}$/, 'An ISO week like 2026-W47')
          .refine((week) => parseIsoWeek(week) !== null, 'That ISO week does not exist.'),
      })
      .strict(),
    z.object({ kind: z.literal('month'), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'A month like 2026-11') }).strict(),
    z.object({ kind: z.literal('custom'), from: CalendarDay, to: CalendarDay }).strict(),
  ])
  .superRefine((p, ctx) => {
    if (p.kind !== 'custom') return;
    if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The range must end on or after its first day.' });
    else if (dayCount(p.from, p.to) > MAX_CUSTOM_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `A custom range may cover at most ${MAX_CUSTOM_DAYS} days.` });
  });
export type PeriodRequest = z.infer<typeof PeriodRequest>;

export const Span = z.object({ from: Day, to: Day });
export type Span = z.infer<typeof Span>;

/** A period's days as shared/time's resolvePeriod gives them (PeriodDays). */
export const ResolvedPeriod = z.object({
  kind: z.enum(['week', 'month', 'custom']),
  /** 2026-W47, 2026-11 or 20261101-20261115 */
  key: z.string(),
  from: Day,
  to: Day,
  days: z.number().int().positive(),
  /** The period before (环比) and the same period a year earlier (同比). */
  previous: Span,
  lastYear: Span,
});
export type ResolvedPeriod = z.infer<typeof ResolvedPeriod>;

/** A period request from its key (2026-W47, 2026-11, 20261101-20261115); null when the key is not one. */
export function periodFromKey(key: string): PeriodRequest | null {
  const parsed = PeriodRequest.safeParse(periodSpecOfKey(key));
  return parsed.success ? parsed.data : null;
}

// ---- figures -----------------------------------------------------------------------------------------------------

const Count = z.number().int().nonnegative();
const RateValue = z.number().min(0).max(1).nullable();

/** The cases behind a figure. Every filter narrows the cases reported in the period. */
export const CaseFilter = z
  .object({
    kind: EventKind.optional(),
    streetId: z.string().min(1).max(64).optional(),
    communityId: z.string().min(1).max(64).optional(),
    departmentId: z.string().min(1).max(64).optional(),
    gridId: z.string().min(1).max(64).optional(),
    /**
     * all: reported in the period; closed / open: by their stage now; on_time / late: closed by / after the deadline;
     * overdue: open past the deadline at the end of the period (whenever reported); rated / dissatisfied: appeals rated
     * (not) satisfied; resolved / unresolved: closed with that outcome; breaking: breaks a safe-grid criterion;
     * repeat: a repeated appeal from the same place; joint: handed to departments for joint handling.
     */
    status: z
      .enum(['all', 'closed', 'open', 'on_time', 'late', 'overdue', 'rated', 'dissatisfied', 'resolved', 'unresolved', 'breaking', 'repeat', 'joint'])
      .optional(),
  })
  .strict();
export type CaseFilter = z.infer<typeof CaseFilter>;

export const MetricId = z.enum([
  'events', // 受理各类事件
  'appeals', // 群众诉求（12345）
  'closed', // 办结
  'onTimeRate', // 按期办结率
  'satisfaction', // 群众满意率
  'disputesFound', // 排查矛盾纠纷
  'disputesResolved',
  'disputeResolutionRate', // 矛盾纠纷化解率
  'overdue', // 超期未办结
  'breaking', // 涉及平安网格标准的案事件
  'repeatAppeals', // 重复诉求
  'jointAppeals', // 分流交办、联动处置
  'difficultiesSolved', // 解决群众困难
  'safeGrids', // 平安网格
  'safeGridsAtRisk', // 面临失去称号风险的平安网格
  'safeGridsLost', // 上次评定失去称号的网格
  'kind', // events of one kind (subject names the kind)
]);
export type MetricId = z.infer<typeof MetricId>;

export const FigureUnit = z.enum(['count', 'rate', 'change', 'points', 'text']);
export type FigureUnit = z.infer<typeof FigureUnit>;

/**
 * One number the briefing shows or says. Narrative sentences and table cells name figures by their key, so every
 * number in the text can be traced to its value, its subject and the cases behind it.
 */
export const Figure = z.object({
  key: z.string(),
  metric: MetricId,
  /** value: this period; previous: 环比 base; lastYear: 同比 base; wow/yoy: the change (fraction for counts, rate points for rates). */
  variant: z.enum(['value', 'previous', 'lastYear', 'wow', 'yoy']),
  subject: z.object({ level: z.enum(['district', 'street', 'community', 'department', 'grid', 'kind']), id: z.string(), name: z.string() }),
  unit: FigureUnit,
  value: z.number().nullable(),
  /** As the text shows it (zh-CN), e.g. "96.6%", "1,491件", "提高1.2个百分点". */
  text: z.string(),
  drill: CaseFilter.nullable(),
});
export type Figure = z.infer<typeof Figure>;

export const Kpi = z.object({
  metric: MetricId,
  unit: z.enum(['count', 'rate']),
  value: z.number().nullable(),
  previous: z.number().nullable(),
  lastYear: z.number().nullable(),
  /** Counts: relative change; rates: difference in rate points (0.012 = 1.2 个百分点). Null without a base. */
  wow: z.number().nullable(),
  yoy: z.number().nullable(),
  /** Which direction is good news (more cases closed on time: up; more overdue: down). */
  better: z.enum(['up', 'down', 'neutral']),
  figure: z.string().describe('Key of the value figure'),
  drill: CaseFilter.nullable(),
});
export type Kpi = z.infer<typeof Kpi>;

export const RankRow = RankingRow.extend({
  previousEvents: Count,
  wow: z.number().nullable(),
  /** Rank by volume (1 = most cases). */
  rank: z.number().int().positive(),
  /** Departments: the full name (区综合行政执法局) the 通报 uses; name is the short one. */
  fullName: z.string().nullable(),
});
export type RankRow = z.infer<typeof RankRow>;

export const WorstItem = z.object({
  level: z.enum(['street', 'community', 'grid', 'department']),
  metric: z.enum(['onTimeRate', 'satisfaction', 'disputeResolutionRate', 'overdue']),
  id: z.string(),
  name: z.string(),
  parentName: z.string().nullable(),
  value: z.number(),
  /** The cases the rate is measured on (closed, rated, disputes), or the overdue count. */
  base: Count,
  figure: z.string(),
  drill: CaseFilter,
});
export type WorstItem = z.infer<typeof WorstItem>;

export const CaseRow = EventSummary.extend({
  communityName: z.string(),
  closedAt: z.string().nullable(),
  repeatOf: z.string().nullable(),
  late: z.boolean().describe('Closed after its deadline'),
  outcome: z.enum(['resolved', 'unresolved']).nullable(),
});
export type CaseRow = z.infer<typeof CaseRow>;

export const SafeGridRisk = z.object({
  gridId: z.string(),
  gridName: z.string(),
  communityName: z.string(),
  streetName: z.string(),
  /** at_risk: titled, and a case this assessment period broke a criterion; lost: the latest evaluation took the title away. */
  status: z.enum(['at_risk', 'lost']),
  period: z.string(),
  criteria: z.array(SafeCriterion),
  firstBrokenDay: Day.nullable(),
  /** The first breaking case fell in the briefing's period. */
  newInPeriod: z.boolean(),
});
export type SafeGridRisk = z.infer<typeof SafeGridRisk>;

export const RepeatGroup = z.object({
  gridId: z.string(),
  gridName: z.string(),
  communityName: z.string(),
  streetName: z.string(),
  count: Count.describe('Repeated appeals reported in the period'),
  title: z.string().describe('The most frequent title'),
  departments: z.array(z.string()),
  caseIds: z.array(z.string()),
});
export type RepeatGroup = z.infer<typeof RepeatGroup>;

export const NarrativeSentence = z.object({
  id: z.string(),
  section: z.enum(['overall', 'streets', 'problems', 'exceptions']),
  /** Sentences with the same number form one paragraph of their section. */
  paragraph: z.number().int().nonnegative(),
  text: z.string(),
  /** Keys of the figures the sentence states. */
  refs: z.array(z.string()),
});
export type NarrativeSentence = z.infer<typeof NarrativeSentence>;

export const TrendSeriesPoint = z.object({
  key: z.string().describe('Week, month or range key'),
  from: Day,
  to: Day,
  events: Count,
  appeals: Count,
  closed: Count,
  onTimeRate: RateValue,
  satisfaction: RateValue,
  disputeResolutionRate: RateValue,
});

export const Briefing = z.object({
  period: ResolvedPeriod,
  /**
   * Whose briefing: the district's, a street's or a community's. Every figure, ranking, exception and case list is of
   * the scope; its rankings rank what lies below it (scope.areaLevel: a street's ranks its communities).
   */
  scope: Scope,
  generatedAt: z.string(),
  /** Overdue counts are as of this instant: the end of the period, or now while it is still running. */
  asOf: z.string(),
  cursorRev: Count,
  kpis: z.array(Kpi),
  byKind: z.record(EventKind, Count),
  safeGrids: z.object({ period: z.string(), safe: Count, atRisk: Count, lost: Count, total: Count }),
  trend: z.object({
    daily: z.array(z.object({ day: Day, byKind: z.record(EventKind, Count), closed: Count })),
    /** The 12 periods of the same kind ending with this one. */
    periods: z.array(TrendSeriesPoint),
  }),
  /**
   * The units below the scope: a district's streets and communities, a street's communities, a community's grids
   * (empty lists for the levels a scope does not rank); departments: their cases within the scope.
   */
  rankings: z.object({ streets: z.array(RankRow), communities: z.array(RankRow), grids: z.array(RankRow), departments: z.array(RankRow) }),
  /** The lowest performers, named plainly (only units with enough cases to judge; see core/report/briefing.ts). */
  worst: z.array(WorstItem),
  exceptions: z.object({
    overdue: z.object({
      total: Count,
      byDepartment: z.array(z.object({ id: z.string(), name: z.string(), count: Count })),
      /** By the scope's areas (scope.areaLevel): a district's streets, a street's communities, a community's grids. */
      byArea: z.array(z.object({ id: z.string(), name: z.string(), count: Count })),
      cases: z.array(CaseRow).max(50),
    }),
    /** At most 200 of each (at-risk first, new ones first); safeGrids and the repeatAppeals KPI count them all. */
    safeGrids: z.array(SafeGridRisk).max(200),
    repeats: z.array(RepeatGroup).max(200),
  }),
  figures: z.record(z.string(), Figure),
  narrative: z.array(NarrativeSentence),
  demo: z.boolean(),
});
export type Briefing = z.infer<typeof Briefing>;

export const CasePage = z.object({
  total: Count,
  offset: Count,
  cases: z.array(CaseRow).max(200),
});
export type CasePage = z.infer<typeof CasePage>;

// ---- the 通报 ----------------------------------------------------------------------------------------------------

const Text = (max: number) => z.string().max(max);

/** The report's editable texts. Multi-line fields are one paragraph a line. */
export const ReportTexts = z
  .object({
    /** 发文机关标志 (red, top of the first page), e.g. 广安区网格化服务管理中心文件 */
    mark: Text(40),
    /** 发文字号, e.g. 广网格通〔2026〕47号 */
    docNumber: Text(40),
    title: Text(120),
    /** 主送机关 */
    recipients: Text(200),
    intro: Text(2000),
    /** 一、总体情况 */
    overall: Text(8000),
    /** 二、各街道工作情况 (text before the ranking table) */
    streets: Text(4000),
    /** 三、存在问题 */
    problems: Text(8000),
    /** 四、下步工作要求 */
    requirements: Text(8000),
    /** 发文机关署名 */
    issuer: Text(60),
    /** 成文日期, e.g. 2026年11月23日 */
    date: Text(30),
    /** 版记: 抄送 */
    cc: Text(300),
  })
  .strict();
export type ReportTexts = z.infer<typeof ReportTexts>;
export const REPORT_TEXT_FIELDS = Object.keys(ReportTexts.shape) as (keyof ReportTexts)[];

/** Edited narrative sentences: sentence id (overall-1, problems-2, …) → text. */
export const NarrativeEdits = z
  .record(z.string().regex(/^[a-z]+-\d{1,3}$/), z.string().max(2000))
  .refine((r) => Object.keys(r).length <= 200, 'At most 200 edited sentences.');
export type NarrativeEdits = z.infer<typeof NarrativeEdits>;

export const ReportFormat = z.enum(['docx', 'pdf', 'xlsx']);
export type ReportFormat = z.infer<typeof ReportFormat>;

export const Watermark = z.object({ enabled: z.boolean(), text: Text(80).optional() }).strict();

export const ReportExportRequest = z
  .object({
    period: PeriodRequest.optional(),
    /** A street's or community's 通报; the district's without. */
    region: RegionId.optional(),
    format: ReportFormat.default('docx'),
    texts: ReportTexts.partial().optional(),
    /** Operator and time across every page when enabled. */
    watermark: Watermark.optional(),
    operator: z.string().trim().min(1).max(40).optional(),
  })
  .strict();

export const ExportedFile = z.object({
  fileName: z.string(),
  mime: z.string(),
  base64: z.string(),
  bytes: Count,
  auditSeq: Count,
});
export type ExportedFile = z.infer<typeof ExportedFile>;

export const AuditRow = z.object({ seq: Count, at: z.string(), operator: z.string(), period: z.string(), format: z.string(), file: z.string().nullable() });
export type AuditRow = z.infer<typeof AuditRow>;

export const MIME: Record<ReportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The requests this module adds to the contract (spread into `requests` in contract.ts). */
export const briefingRequests = {
  // period defaults to the last complete ISO week.
  // region: a street's or community's briefing (a region the cache does not hold: the district's, scope.unknown says so).
  'briefing.get': { payload: z.object({ period: PeriodRequest.optional(), region: RegionId.optional() }).strict(), reply: Briefing },
  'briefing.cases': {
    payload: z
      .object({
        period: PeriodRequest.optional(),
        /** The briefing's scope: the filter's cases within it. */
        region: RegionId.optional(),
        filter: CaseFilter.default({}),
        offset: Count.max(1_000_000).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    reply: CasePage,
  },
  'report.template': {
    // edits: narrative sentences as edited in the briefing (sentence id → text); they replace the generated ones.
    payload: z.object({ period: PeriodRequest.optional(), region: RegionId.optional(), edits: NarrativeEdits.optional() }).strict(),
    // scope: whose 通报 the texts are (the reports page shows it as its breadcrumb).
    reply: z.object({ period: ResolvedPeriod, scope: Scope, texts: ReportTexts }),
  },
  'report.export': { payload: ReportExportRequest, reply: ExportedFile },
  'report.audit': { payload: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(), reply: z.array(AuditRow) },
} as const;
