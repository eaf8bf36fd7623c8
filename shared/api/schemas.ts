/**
 * The central API contract: the schemas the client validates with and the OpenAPI document is generated from.
 * Field names are snake_case because they are the wire format of the district platform.
 * Objects are plain `z.object`s: parsing strips fields this version does not know (a newer server may send more;
 * they never reach the cache), and the document says `additionalProperties` is allowed (it is generated with
 * io 'input'). Descriptions here end up in the document: they are the contract's rules, in words.
 * Fields holding personal data carry `personal: true` in their metadata (and `x-personal-data` in OpenAPI):
 * they never reach a wall viewer or an export unmasked.
 */
import { z } from 'zod';

export const API_VERSION = '1.0.0';

// ---- vocabularies ------------------------------------------------------------------------------------------------

export const Datum = z.enum(['WGS-84', 'GCJ-02']).describe('Geodetic datum of every coordinate in the payload');

export const RegionLevel = z.enum(['district', 'street', 'community', 'grid']);

export const EventKind = z
  .enum(['incident', 'dispute', 'hazard', 'appeal', 'service'])
  .describe('incident 治安事件, dispute 矛盾纠纷, hazard 安全隐患, appeal 12345 群众诉求, service 服务需求');
export type EventKind = z.infer<typeof EventKind>;

/** The eight things a grid must not have to hold the 平安网格 title. */
export const SafeCriterion = z.enum([
  'crime', // 发案
  'cult', // 邪教
  'vice', // 黄赌毒窝点
  'pyramid', // 传销
  'fire', // 火灾事故
  'traffic', // 交通事故
  'mass_petition', // 集体上访
  'telecom_fraud', // 电信诈骗
]);
export type SafeCriterion = z.infer<typeof SafeCriterion>;
export const SAFE_CRITERIA = SafeCriterion.options;

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const EventSource = z.enum(['grid_worker', 'hotline_12345', 'patrol']);

/** The closed loop every case follows, in order. */
export const Stage = z.enum(['reported', 'analysed', 'dispatched', 'supervised', 'evaluated', 'closed']);
export type Stage = z.infer<typeof Stage>;
export const STAGES = Stage.options;

export const Satisfaction = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).describe('满意 / 基本满意 / 不满意');
export type Satisfaction = z.infer<typeof Satisfaction>;

export const DutyCategory = z
  .enum(['collection', 'reporting', 'handling', 'service', 'safety'])
  .describe('The 5 duty categories: 信息采集, 信息上报, 事件处置, 为民服务, 平安建设');

/**
 * RFC 3339 date-time with an offset: a real calendar date (no month 13, no 30 February, no 0000-00-00) and seconds.
 * A pattern alone let impossible dates through to the cache, where they broke the page's write.
 */
const IsoTime = z.iso.datetime({ offset: true, error: 'not an RFC 3339 date-time with offset (a real date, e.g. 2023-03-05T10:00:00+08:00)' });
/** RFC 3339 full-date (YYYY-MM-DD), a real calendar date. */
const IsoDate = z.iso.date({ error: 'not a real date of the form YYYY-MM-DD' });
const Rev = z
  .number()
  .int()
  .positive()
  .describe('Server-wide, strictly increasing revision: every change of any record gets a higher rev than every change before it');
const Id = z.string().min(1).max(64);
const personal = <T extends z.ZodType>(schema: T) => schema.meta({ personal: true, 'x-personal-data': true });

// ---- reference data (ETag) ---------------------------------------------------------------------------------------

export const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export const Polygon = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(LonLat).min(4)) });
export const MultiPolygon = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(LonLat).min(4))) });
export const AreaGeometry = z.union([Polygon, MultiPolygon]);

export const LedgerCounts = z
  .object({
    resident_population: z.number().int().nonnegative().describe('常住人口台账'),
    key_groups: z.number().int().nonnegative().describe('重点人群台账'),
    community_resources: z.number().int().nonnegative().describe('社区资源台账'),
    special_groups: z.number().int().nonnegative().describe('特殊人群台账'),
    premises: z.number().int().nonnegative().describe('房屋（楼栋）台账'),
    businesses: z.number().int().nonnegative().describe('单位（门店）台账'),
    hazards: z.number().int().nonnegative().describe('安全隐患台账'),
  })
  .describe('The 7 ledgers kept per grid');

export const ServiceLists = z
  .object({ demands: z.number().int().nonnegative(), resources: z.number().int().nonnegative(), projects: z.number().int().nonnegative() })
  .describe('The 3 lists: 服务需求, 服务资源, 服务项目');

export const GridProfile = z.object({
  leader: personal(z.string()).describe('网格长 (name)'),
  full_time_worker: personal(z.string()).describe('专职网格员 (name)'),
  full_time_worker_recruited: z
    .boolean()
    .optional()
    .describe('The full-time worker is one of those recruited publicly in 2022 (87 in the district; OrganisationResponse.people.full_time_workers)'),
  workforce: z.number().int().min(1).describe('网格工作力量: people working this grid'),
  party_branch: z.string().describe('网格（小区）党支部 name'),
  party_branches: z.number().int().min(1).optional().describe('网格（小区）党支部 in this grid (531 in the district)'),
  party_members: z.number().int().nonnegative(),
  population: z.number().int().nonnegative(),
  households: z.number().int().nonnegative(),
  ledgers: LedgerCounts,
  service_lists: ServiceLists,
  new_in_2022: z.boolean().describe('One of the 85 grids added by the 2022 re-division'),
});
export type GridProfile = z.infer<typeof GridProfile>;

export const Region = z.object({
  id: Id,
  code: z
    .string()
    .regex(/^\d{6,15}$/)
    .describe('GB/T 2260 style code; grid codes extend their community code'),
  level: RegionLevel,
  name: z.string(),
  parent_id: Id.nullable(),
  center: LonLat,
  geometry: AreaGeometry,
  synthetic_geometry: z.boolean().describe('True where the boundary is made up for the demo'),
  profile: GridProfile.nullable().describe('Grids only'),
});
export type Region = z.infer<typeof Region>;

export const RegionsResponse = z.object({
  datum: Datum,
  attribution: z.string(),
  regions: z.array(Region),
});
export type RegionsResponse = z.infer<typeof RegionsResponse>;

export const Department = z.object({ id: Id, name: z.string(), short_name: z.string(), enforcement_staff: z.number().int().nonnegative() });
export type Department = z.infer<typeof Department>;

export const DutyTask = z.object({ code: z.string(), name: z.string(), duty: DutyCategory });
export type DutyTask = z.infer<typeof DutyTask>;

export const OrganisationResponse = z.object({
  departments: z.array(Department).describe('The 16 departments on the 12345 platform'),
  tasks: z.array(DutyTask).describe('The 46 grid tasks in 5 duty categories'),
  people: z.object({
    party_branches: z.number().int(),
    party_members: z.number().int(),
    full_time_workers: z.number().int(),
    community_workers: z.number().int(),
    public_health_posts: z.number().int(),
    enforcement_staff: z.number().int(),
    volunteer_teams: z.number().int(),
    volunteers: z.number().int(),
  }),
});
export type OrganisationResponse = z.infer<typeof OrganisationResponse>;

// ---- records (paged by rev) -------------------------------------------------------------------------------------

export const StageTimes = z
  .object({
    reported: IsoTime,
    analysed: IsoTime.optional(),
    dispatched: IsoTime.optional(),
    supervised: IsoTime.optional(),
    evaluated: IsoTime.optional(),
    closed: IsoTime.optional(),
  })
  .describe('When the case entered each stage of the closed loop');

export const Reporter = z
  .object({ name: personal(z.string()), phone: personal(z.string()) })
  .meta({ personal: true, 'x-personal-data': true })
  .describe('Reporter contact: personal data');

export const Event = z.object({
  id: Id,
  rev: Rev,
  kind: EventKind,
  task_code: z.string().describe('One of the 46 tasks (see /v1/organisation)'),
  criterion: SafeCriterion.nullable().describe('The safe-grid criterion this case breaks, if any'),
  severity: Severity,
  source: EventSource,
  grid_id: Id,
  location: LonLat,
  title: z.string().max(200),
  stage: Stage,
  stages: StageTimes,
  department_id: Id.nullable(),
  joint: z.boolean().describe('Handed to departments for joint handling (分流交办、联动处置)'),
  deadline: IsoTime,
  outcome: z.enum(['resolved', 'unresolved']).nullable().describe('For closed cases: was the problem solved'),
  satisfaction: Satisfaction.nullable().describe('Rating of a closed appeal'),
  reporter: Reporter.nullable(),
  repeat_of: Id.nullable().describe('An earlier appeal about the same matter from the same place'),
});
export type Event = z.infer<typeof Event>;

/** The ordering rule below is implemented by periodOrder (shared/time/quarter.ts), which the cache uses. */
export const AssessmentPeriod = z
  .string()
  .regex(/^\d{4}-(Q[1-4]|H[12])$/)
  .describe(
    'A quarter (2023-Q1) or a half-year (2023-H1). Periods are ordered by their END, and a half-year after the quarter it ends with: ' +
      'within a year Q1 < Q2 < H1 < Q3 < Q4 < H2 (2023-H1 ends with 2023-Q2 and counts after it).',
  );

export const SafeGridEvaluation = z
  .object({
    id: Id,
    rev: Rev,
    grid_id: Id,
    period: AssessmentPeriod,
    safe: z.boolean().describe('Holds the 平安网格 title for the period'),
    broken: z.array(SafeCriterion).describe('Criteria broken in the period (empty when safe)'),
    evaluated_at: IsoTime,
  })
  .describe(
    'A safe-grid (平安网格) evaluation of one grid for one period. The one that counts for a grid now is the one whose period ends latest ' +
      '(see AssessmentPeriod: on the same end, the half-year counts after the quarter); for the same id, the one with the highest rev. ' +
      'evaluated_at does not decide which counts.',
  );
export type SafeGridEvaluation = z.infer<typeof SafeGridEvaluation>;

export const ServiceActivity = z.object({
  id: Id,
  rev: Rev,
  grid_id: Id,
  type: z.enum(['project', 'volunteer_session', 'micro_wish', 'demand_matched']),
  title: z.string(),
  date: IsoDate,
  people_reached: z.number().int().nonnegative(),
  volunteers: z.number().int().nonnegative(),
});
export type ServiceActivity = z.infer<typeof ServiceActivity>;

export const RecordType = z.enum(['event', 'evaluation', 'service']);
export type RecordType = z.infer<typeof RecordType>;

export const Tombstone = z
  .object({ id: Id, rev: Rev, deleted_at: IsoTime })
  .describe(
    'A deleted record. A server keeps tombstones for at least 90 days (the bundled service keeps them forever); a cursor older than ' +
      'what it keeps gets 410 Gone on /v1/changes, and the client then re-syncs in full from after_rev=0.',
  );

/** One entry of the change feed: the latest full state of a record, or its deletion. */
export const Change = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('event'), rev: Rev, record: Event }),
    z.object({ type: z.literal('evaluation'), rev: Rev, record: SafeGridEvaluation }),
    z.object({ type: z.literal('service'), rev: Rev, record: ServiceActivity }),
    z.object({ type: z.literal('tombstone'), rev: Rev, of: RecordType, record: Tombstone }),
  ])
  .describe('The latest full state of a record, or its deletion (a tombstone). `rev` equals `record.rev`.');
export type Change = z.infer<typeof Change>;

/**
 * GET /v1/changes?after_rev=R&limit=N. Items are loosely typed on the wire on purpose: the client validates
 * each with `Change` and quarantines the bad ones instead of failing the page.
 */
export const ChangesPage = z.object({
  items: z
    .array(z.unknown())
    .describe(
      'Changes (see Change) with after_rev < rev <= head_rev, in strictly increasing rev order; never more than `limit`. ' +
        'May be empty while has_more is true (the server hit its stable watermark or skipped rows it filters out).',
    ),
  next_rev: z
    .number()
    .int()
    .nonnegative()
    .describe(
      'Pass as after_rev for the next page. Never below after_rev or the rev of the last item; never above head_rev (unless the cursor already was: ' +
        'then the page is empty and next_rev = after_rev). Greater than after_rev whenever has_more is true, so paging always advances: ' +
        'it may pass over revs the server skipped, never over one it has yet to hand out.',
    ),
  has_more: z.boolean().describe('More changes up to head_rev wait after next_rev. False: caught up; follow the stream or page again later from next_rev.'),
  head_rev: z
    .number()
    .int()
    .nonnegative()
    .describe(
      "The server's stable watermark when the page was made: every change with a rev up to it has committed and is visible, so no change at or below it can appear later. " +
        'No item is above it.',
    ),
  total: z.number().int().nonnegative().nullable().describe('Records left after after_rev, if the server knows (an estimate for progress, not a rule)'),
});
export type ChangesPage = z.infer<typeof ChangesPage>;

export const MetaResponse = z.object({
  api_version: z.string(),
  district: z.object({ code: z.string(), name: z.string() }),
  datum: Datum,
  server_time: IsoTime,
  head_rev: z
    .number()
    .int()
    .nonnegative()
    .describe(
      'The stable watermark: the newest rev below which every transaction has committed (with concurrent writers, a change with a lower rev may still be ' +
        'committing above it). /v1/changes and /v1/stream hand out changes only up to it, so a client paging by rev never skips a record that becomes visible later.',
    ),
  oldest_stream_rev: z.number().int().nonnegative().describe('Stream resumes from a Last-Event-ID below this are too old'),
  demo: z.boolean().describe('True for the bundled demo central server'),
  time_zone: z.literal('Asia/Shanghai'),
});
export type MetaResponse = z.infer<typeof MetaResponse>;

/** SSE: `event: change` (data = Change, id = rev), `event: resync` (data below) then the server closes. */
export const ResyncNotice = z.object({
  reason: z.literal('cursor_too_old'),
  oldest_rev: z.number().int().nonnegative(),
  message: z.string(),
});

export const ApiError = z.object({
  error: z
    .enum(['unauthorized', 'forbidden', 'bad_request', 'not_found', 'cursor_too_old', 'rate_limited', 'unavailable', 'internal'])
    .describe('For people and logs: a client decides what to do by the HTTP status, not by this code'),
  message: z.string().describe('A sentence saying what is wrong and what to do'),
});
export type ApiError = z.infer<typeof ApiError>;
