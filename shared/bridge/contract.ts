/**
 * The bridge contract: every request the renderer can make, its reply, and every message pushed to it.
 * Both hosts (Electron IPC, web HTTP+WebSocket) carry exactly this; each end validates what it receives.
 */
import { z } from 'zod';
import { GridDetail, MapRegions, MapView, RegionId, RegionList, SceneDelta, SceneSnapshot, WindowRequest } from './scene';
import { briefingRequests } from './briefing';
import { importRequests } from './imports';
import { settingsPushes, settingsRequests } from './settings';

/** Error codes a bridge call can fail with; the renderer turns each into a sentence in the user's language. */
export const BridgeErrorCode = z.enum([
  'invalid_payload', // the request's payload did not match the contract
  'invalid_reply', // the host's reply did not match the contract
  'unknown_request', // no such request in the contract
  'unauthorized', // web host: token missing or wrong
  'forbidden', // web host: the token's role may not make this request
  'unavailable', // the host cannot be reached
  'rate_limited', // web host: too many requests or connections from this address; try again later
  'timeout',
  'internal', // the host failed; details are in its log
]);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;

export const BridgeErrorBody = z.object({
  code: BridgeErrorCode,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type BridgeErrorBody = z.infer<typeof BridgeErrorBody>;

export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  readonly issues?: BridgeErrorBody['issues'];
  constructor(body: BridgeErrorBody) {
    super(body.message);
    this.name = 'BridgeError';
    this.code = body.code;
    this.issues = body.issues;
  }
  toBody(): BridgeErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

/** Turn a zod failure into the contract's error body, naming each bad field. */
export function invalid(code: 'invalid_payload' | 'invalid_reply', what: string, error: z.ZodError): BridgeError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  const first = issues[0];
  return new BridgeError({
    code,
    message: `${what}: ${first ? `${first.path}: ${first.message}` : 'does not match the contract'}`,
    issues,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Shared payload pieces

export const HostKind = z.enum(['electron', 'web']);
export type HostKind = z.infer<typeof HostKind>;

export const SyncState = z.enum(['idle', 'syncing', 'live', 'reconnecting', 'offline', 'unauthorized', 'error']);
export type SyncState = z.infer<typeof SyncState>;

export const SyncProblem = z.enum([
  'unauthorized',
  'forbidden',
  'unreachable',
  'server',
  'bad_response',
  'cursor_too_old',
  'disk_full',
  'read_only',
  'io',
  'cache_rebuilt',
  'internal',
]);
export type SyncProblem = z.infer<typeof SyncProblem>;

export const SyncStatus = z.object({
  state: SyncState,
  /** The central API this app syncs from, for display (no token). */
  source: z.string(),
  /** True when the source is the bundled demo central server: the UI labels every screen "演示数据". */
  demo: z.boolean(),
  /** ISO time of the last successful contact with the central API, if any. */
  lastContact: z.string().nullable(),
  /** Bootstrap progress while state is 'syncing'. */
  progress: z
    .object({
      records: z.number().int().nonnegative(),
      total: z.number().int().nonnegative().nullable(),
      perSecond: z.number().nonnegative(),
      etaSeconds: z.number().nonnegative().nullable(),
    })
    .nullable(),
  /** Seconds until the next reconnect attempt while state is 'reconnecting'. */
  retryInSeconds: z.number().nonnegative().nullable(),
  /** Records that failed validation and sit in quarantine. */
  quarantined: z.number().int().nonnegative(),
  /** A sentence for logs and operators when something is wrong (wrong token, disk full, …). */
  message: z.string().nullable(),
  /** The same as a code the UI turns into a sentence in the user's language; detail is the host's sentence. */
  problem: z.object({ code: SyncProblem, detail: z.string() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: HostKind,
  /** Server time when the reply was made (ISO 8601 with offset). */
  now: z.string(),
  locale: z.enum(['zh-CN', 'en-US']),
  districtName: z.string(),
  /** The web host's role for this connection; the desktop app is always an operator. */
  role: z.enum(['viewer', 'operator']),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.object({}).strict();

// ---------------------------------------------------------------------------------------------------------------
// Requests: name → payload schema, reply schema. Names are "area.verb".

export const requests = {
  'app.info': { payload: Empty, reply: AppInfo },
  'app.echo': {
    // A round trip the renderer uses to prove the bridge works end to end (status bar "connected").
    payload: z.object({ text: z.string().max(200) }).strict(),
    reply: z.object({ text: z.string(), at: z.string() }),
  },
  'sync.status': { payload: Empty, reply: SyncStatus },
  'scene.snapshot': { payload: z.object({ window: WindowRequest, region: RegionId.optional(), view: MapView.optional() }).strict(), reply: SceneSnapshot },
  'map.regions': { payload: Empty, reply: MapRegions },
  'regions.list': { payload: Empty, reply: RegionList },
  'grid.detail': { payload: z.object({ gridId: z.string().min(1).max(64) }).strict(), reply: GridDetail.nullable() },
  // Weekly briefing and 通报 export (shared/bridge/briefing.ts): briefing.get, briefing.cases, report.template, report.export, report.audit.
  ...briefingRequests,
  // Settings page (shared/bridge/settings.ts): settings.get, settings.update, settings.api.
  ...settingsRequests,
  // The 导入 page (shared/bridge/imports.ts): import.list, .start, .open311, .get, .regions, .commit, .discard, .template, .token.
  ...importRequests,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Pushes: host → renderer, unsolicited.

export const pushes = {
  'sync.status': SyncStatus,
  'scene.delta': SceneDelta,
  // settings.changed (shared/bridge/settings.ts)
  ...settingsPushes,
} as const;

export type RequestName = keyof typeof requests;
export type PushName = keyof typeof pushes;
export type Payload<N extends RequestName> = z.input<(typeof requests)[N]['payload']>;
export type Reply<N extends RequestName> = z.output<(typeof requests)[N]['reply']>;
export type Push<N extends PushName> = z.output<(typeof pushes)[N]>;

/** What a host implements: one async function per request. */
export type BridgeHandlers = { [N in RequestName]: (payload: z.output<(typeof requests)[N]['payload']>) => Promise<Reply<N>> };

export const requestNames = Object.keys(requests) as RequestName[];
export const pushNames = Object.keys(pushes) as PushName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}
export function isPushName(name: unknown): name is PushName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(pushes, name);
}

/** Electron IPC channel for a request or push; the preload only ever touches these. */
export const ipcChannel = {
  request: (name: RequestName) => `gcc:req:${name}`,
  push: (name: PushName) => `gcc:push:${name}`,
};
