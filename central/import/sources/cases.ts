/**
 * What the event sources (矛盾纠纷, 安全隐患, 12345) share: a case's place, its closed loop (reported → dispatched →
 * closed), its deadline, its title without personal data, and the Event it becomes.
 *
 * The closed loop as imported: reported at the row's 发现/受理时间; dispatched at the same moment when the row names
 * a 责任/承办单位 (ledgers do not say when it was handed over); closed at the row's closing time when it has one.
 * Stages in between (analysed, supervised, evaluated) are not in the ledgers and are left out.
 */
import { DAY_MS, toShanghaiSeconds } from '../../../shared/time';
import type { EventKind, Region, Satisfaction, Severity } from '../../../shared/api/schemas';
import { idsByZhLabel } from '../../../shared/vocabulary';
import type { OutgoingRecord } from '../types';
import type { RowMapper } from './common';
import { oneLine } from './common';
import { displayTime, shanghaiDate } from './time';

export const TITLE_MAX = 200;

export type LonLat = [number, number];

/** 等级 as the ledgers write it (the vocabulary's severity labels: 一般, 较大, 重大, 特别重大) → the contract's severity. */
export const LEVEL_SEVERITY: Record<string, Severity> = idsByZhLabel('severity');

export interface CaseFacts {
  id: string;
  kind: EventKind;
  taskCode: string;
  severity: Severity;
  source: 'grid_worker' | 'hotline_12345';
  grid: Region;
  location: LonLat;
  title: string;
  reported: number;
  /** null while the case is open. */
  closed: number | null;
  outcome: 'resolved' | 'unresolved';
  /** A unit was named: the case went to it when it was reported. */
  dispatched: boolean;
  departmentId: string | null;
  joint: boolean;
  deadline: number;
  satisfaction: Satisfaction | null;
  reporter: { name: string; phone: string } | null;
}

/** The Event (as the write API takes it) of a case. */
export function eventRecord(c: CaseFacts): OutgoingRecord {
  const stages: Record<string, string> = { reported: toShanghaiSeconds(c.reported) };
  if (c.dispatched) stages.dispatched = toShanghaiSeconds(c.reported);
  if (c.closed !== null) stages.closed = toShanghaiSeconds(c.closed);
  const stage = c.closed !== null ? 'closed' : c.dispatched ? 'dispatched' : 'reported';
  return {
    type: 'event',
    record: {
      id: c.id,
      kind: c.kind,
      task_code: c.taskCode,
      // Criteria are for incidents that break the safe-grid rules; ledgers of disputes and hazards do not say so.
      criterion: null,
      severity: c.severity,
      source: c.source,
      grid_id: c.grid.id,
      location: c.location,
      title: c.title,
      stage,
      stages,
      department_id: c.departmentId,
      joint: c.joint,
      deadline: toShanghaiSeconds(c.deadline),
      outcome: c.closed !== null ? c.outcome : null,
      satisfaction: c.closed !== null ? c.satisfaction : null,
      reporter: c.reporter,
      repeat_of: null,
    },
  };
}

/** The row's point (经度/纬度 columns), or null; half a point or one off the globe is a warning and not used. */
export function pointOf(m: RowMapper, lonKey = 'lon', latKey = 'lat'): LonLat | null {
  const lon = m.number(lonKey);
  const lat = m.number(latKey);
  if (lon === null && lat === null) return null;
  if (lon === null || lat === null) {
    m.warning(lon === null ? lonKey : latKey, `只填了${lon === null ? '纬度' : '经度'}，没有${lon === null ? '经度' : '纬度'}：坐标未使用，位置按网格中心。`);
    return null;
  }
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    m.warning(lonKey, `坐标（${lon}，${lat}）不是有效的经纬度（经度在前、纬度在后）：坐标未使用，位置按网格中心。`);
    return null;
  }
  return [lon, lat];
}

/** Where the case is: its point when it lies in its grid, else the grid's centre (a warning says why). */
export function locationIn(m: RowMapper, grid: Region, point: LonLat | null, lonKey = 'lon'): LonLat {
  if (!point) return grid.center;
  const at = m.ctx.regions.gridAt(point[0], point[1]);
  if (at?.id === grid.id) return point;
  m.warning(lonKey, `坐标（${point[0]}，${point[1]}）不在网格“${grid.name}”内${at ? `（在“${at.name}”内）` : ''}：位置按网格中心，请核对坐标或网格。`);
  return grid.center;
}

/**
 * The closing time, checked against the reported one: an error when it is earlier. A date without a time closes
 * on that day, not before the report (same day: at the reported moment).
 */
export function closingTime(m: RowMapper, key: string, reported: number, words: { closed: string; reported: string }): number | null {
  const cell = m.time(key);
  if (!cell) return null;
  const early = cell.dateOnly ? shanghaiDate(cell.ms) < shanghaiDate(reported) : cell.ms < reported;
  if (early) {
    m.error(
      key,
      `${words.closed}早于${words.reported}（${words.closed} ${displayTime(cell.ms)}，${words.reported} ${displayTime(reported)}）：请核对这两个时间。`,
    );
    return null;
  }
  return cell.dateOnly ? Math.max(cell.ms, reported) : cell.ms;
}

/** A phone number in free text: mobiles and landlines with their area code. */
const PHONE = /(?<!\d)(?:\+?86[-\s]?)?(?:1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)/g;

/**
 * Free text with personal data taken out: the named people become 张某 (surname + 某), phone numbers ***.
 * Personal data belongs in `reporter` only, which the contract marks personal; titles reach every wall.
 */
export function withoutPersonalData(text: string, names: readonly string[], phones: readonly string[]): string {
  let out = text;
  for (const name of names) if (name.length >= 2) out = out.split(name).join(`${name[0]}某`);
  for (const phone of phones) if (phone.replace(/\D/g, '').length >= 5) out = out.split(phone).join('***');
  return out.replace(PHONE, '***');
}

/** A title: clean, without personal data, at most 200 characters (cut with …). */
export function titleOf(text: string, names: readonly string[] = [], phones: readonly string[] = []): string {
  const t = withoutPersonalData(oneLine(text), names, phones);
  return t.length > TITLE_MAX ? `${t.slice(0, TITLE_MAX - 1)}…` : t;
}

/** A reporter from the row's personal cells, or null when it has none. */
export function reporterOf(names: readonly string[], phone: string | null): { name: string; phone: string } | null {
  if (!names.length && !phone) return null;
  return { name: names.join('、'), phone: phone ?? '' };
}

/** Warn about a case reported more than a day after now (a typo in the year, most often). */
export function checkNotInFuture(m: RowMapper, key: string, reported: number, word: string): void {
  if (reported > m.ctx.now() + DAY_MS) m.warning(key, `${word}（${displayTime(reported)}）晚于今天：请核对年份。`);
}
