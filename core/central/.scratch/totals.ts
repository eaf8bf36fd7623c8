import { buildGeography } from '../geography';
import { buildOrganisation } from '../organisation';
import { buildPlan } from '../plan';
import { Safety } from '../safety';
import { History } from '../history';
import { Sweep } from '../feed';
import { secFromUnixMs } from '../time';
const seed = 1;
let t = performance.now();
const geo = buildGeography({ seed, scale: 'district' });
const org = buildOrganisation(seed, geo);
const plan = buildPlan({ seed, grids: geo.grids.length });
const safety = new Safety(seed, geo, org);
const h = new History(seed, plan, geo, org, safety);
console.log('setup ms', performance.now() - t);
const W = secFromUnixMs(Date.parse('2026-11-27T12:00:00+08:00'));
t = performance.now();
const sweep = new Sweep(h, 0, W);
console.log('remaining', sweep.remaining);
let n = 0; let last = 0; const kinds: Record<string, number> = {};
let appeals22 = 0, joint22 = 0, rated = 0, good = 0, disp22 = 0, disp23 = 0, svc22 = 0, tomb = 0, sessions = 0, projects = 0, wishes = 0, demands = 0, people = 0;
const evals = new Map<string, { safe: number; total: number }>();
let bytes = 0;
for (;;) {
  const e = sweep.peek(); if (!e) break; sweep.take(e);
  if (e.rev <= last) throw new Error('order');
  last = e.rev; n++;
  const ch = h.change(e.core, e.stage);
  const js = JSON.stringify(ch); bytes += js.length;
  kinds[ch.type] = (kinds[ch.type] ?? 0) + 1;
  if (ch.type === 'event') {
    const r = ch.record; const y = r.stages.reported.slice(0, 4);
    if (r.kind === 'appeal' && y === '2022') { appeals22++; if (r.joint) joint22++; if (r.satisfaction) { rated++; if (r.satisfaction !== 'dissatisfied') good++; } }
    if (r.kind === 'dispute' && y === '2022' && r.outcome === 'resolved') disp22++;
    if (r.kind === 'dispute' && r.stages.reported >= '2023-01-01' && r.stages.reported < '2023-03-24') disp23++;
    if (r.kind === 'service' && y === '2022' && r.outcome === 'resolved') svc22++;
  } else if (ch.type === 'tombstone') tomb++;
  else if (ch.type === 'evaluation') { const v = evals.get(ch.record.period) ?? { safe: 0, total: 0 }; v.total++; if (ch.record.safe) v.safe++; evals.set(ch.record.period, v); }
  else if (ch.type === 'service' && ch.record.date <= '2023-03-23') { const r = ch.record; people += r.people_reached; if (r.type==='project') projects++; if (r.type==='volunteer_session') sessions++; if (r.type==='micro_wish') wishes++; if (r.type==='demand_matched') demands++; }
}
console.log('records', n, 'ms', performance.now() - t, 'bytes', bytes, 'remaining', sweep.remaining);
console.log(kinds);
console.log({ appeals22, joint22, rated, good, sat: (100 * good / rated).toFixed(1), disp22, disp23, svc22, tomb, projects, sessions, wishes, demands, people });
console.log([...evals.entries()].slice(-6));
console.log('party', org.response.people);
