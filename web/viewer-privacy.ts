/**
 * What a viewer (read-only wall) receives: personal data masked by the host whatever the core sent, so a reply
 * that forgot to mask cannot leak through a viewer connection. Names by the shared rule (张**), phone and ID card
 * numbers in free text scrubbed (138****5678). Every viewer request and every push is listed, so a new one must
 * say how it is masked.
 */
import path from 'node:path';
import type { ViewerRequestName } from '../shared/bridge/access';
import { isPushName, type Push, type PushName, type Reply, type SyncStatus } from '../shared/bridge/contract';
import type { EventSummary } from '../shared/bridge/scene';
import type { Settings } from '../shared/settings';
import { maskName, maskPhone } from '../shared/privacy';
import { scrubText } from '../core/report/mask';

const PHONE_PART = /^[\d\s()+*-]*\d[\d\s()+*-]*$/;

/** "张三丰 13812345678" → "张** 138****5678"; leaves an already masked reporter as it is. */
export function maskReporter(reporter: string): string {
  return reporter
    .split(' ')
    .filter(Boolean)
    .map((part) => (PHONE_PART.test(part) ? (part.includes('*') ? part : maskPhone(part)) : maskName(part)))
    .join(' ');
}

function maskEvent<T extends EventSummary>(event: T): T {
  return { ...event, title: scrubText(event.title), reporter: maskReporter(event.reporter) };
}

const same = <T>(value: T): T => value;

/** A proxy or API address may carry user:password; a wall needs neither. */
function withoutCredentials(url: string | null): string | null {
  if (!url || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

function maskStatus(status: SyncStatus): SyncStatus {
  return { ...status, source: withoutCredentials(status.source) ?? '' };
}

function maskSettings(settings: Settings): Settings {
  return { ...settings, watermark: { ...settings.watermark, operator: maskName(settings.watermark.operator) } };
}

const VIEWER_REPLIES: { [N in ViewerRequestName]: (reply: Reply<N>) => Reply<N> } = {
  'app.info': same,
  'app.echo': same,
  'sync.status': maskStatus,
  'map.regions': same,
  'regions.list': same,
  'scene.snapshot': (snapshot) => ({ ...snapshot, recent: snapshot.recent.map(maskEvent) }),
  'grid.detail': (detail) =>
    detail && {
      ...detail,
      profile: detail.profile && { ...detail.profile, leader: maskName(detail.profile.leader), full_time_worker: maskName(detail.profile.full_time_worker) },
      openCases: detail.openCases.map(maskEvent),
    },
  'briefing.get': (briefing) => ({
    ...briefing,
    narrative: briefing.narrative.map((s) => ({ ...s, text: scrubText(s.text) })),
    exceptions: {
      ...briefing.exceptions,
      overdue: { ...briefing.exceptions.overdue, cases: briefing.exceptions.overdue.cases.map(maskEvent) },
      repeats: briefing.exceptions.repeats.map((r) => ({ ...r, title: scrubText(r.title) })),
    },
  }),
  // The host's folders name its user; a wall has no use for them.
  'settings.get': (page) => ({
    settings: maskSettings(page.settings),
    api: {
      ...page.api,
      baseUrl: withoutCredentials(page.api.baseUrl),
      proxy: withoutCredentials(page.api.proxy),
      caFile: page.api.caFile && path.basename(page.api.caFile),
    },
    logFolder: null,
  }),
};

const VIEWER_PUSHES: { [N in PushName]: (payload: Push<N>) => Push<N> } = {
  'sync.status': maskStatus,
  'scene.delta': (delta) => ({ ...delta, events: delta.events.map(maskEvent) }),
  'settings.changed': maskSettings,
};

/** The reply as a viewer may see it. */
export function replyForViewer(name: ViewerRequestName, reply: unknown): unknown {
  return (VIEWER_REPLIES[name] as (reply: unknown) => unknown)(reply);
}

/** The push as a viewer may see it; undefined when it cannot be masked (unknown or malformed), so it is dropped. */
export function pushForViewer(name: string, payload: unknown): unknown {
  if (!isPushName(name)) return undefined;
  try {
    return (VIEWER_PUSHES[name] as (payload: unknown) => unknown)(payload);
  } catch {
    return undefined;
  }
}
