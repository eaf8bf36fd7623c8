/** The narrative: government-briefing register, and every number in it traced to a figure. */
import { describe, expect, it } from 'vitest';
import { assembleBriefing } from '../../core/report/briefing';
import type { Briefing } from '../../shared/bridge/briefing';
import { DEMO_WEEK, openDistrict } from './helpers';

const district = openDistrict();

/** Numbers in a sentence that are not dates, period names or heading numerals. */
function statedNumbers(text: string): string[] {
  const stripped = text
    .replace(/“[^”]*”/g, '') // quoted case titles are data, not figures
    .replace(/\d{4}年第\d+周/g, '')
    .replace(/\d{4}年\d{1,2}月\d{1,2}日/g, '')
    .replace(/\d{1,2}月\d{1,2}日/g, '')
    .replace(/\d{4}年\d{1,2}月/g, '')
    .replace(/（12345）/g, '')
    .replace(/第\d+网格/g, '');
  return stripped.match(/\d+(?:\.\d+)?/g) ?? [];
}

function checkTraceable(b: Briefing) {
  expect(b.narrative.length).toBeGreaterThan(0);
  for (const s of b.narrative) {
    for (const ref of s.refs) {
      expect(b.figures[ref], `${s.id} cites ${ref}`).toBeDefined();
      expect(s.text, `${s.id} states ${ref}`).toContain(b.figures[ref].text);
    }
    // Every number the sentence states comes from one of its figures.
    const covered = s.refs.map((r) => b.figures[r].text).join(' ');
    for (const n of statedNumbers(s.text)) expect(covered, `${s.id}: "${n}" in "${s.text}"`).toContain(n);
  }
}

describe('narrative', () => {
  const b = assembleBriefing(district.ctx, { kind: 'week', week: DEMO_WEEK });

  it('reads like a government briefing', () => {
    const overall = b.narrative
      .filter((s) => s.section === 'overall')
      .map((s) => s.text)
      .join('');
    expect(overall).toMatch(/^2023年第11周（3月13日至3月19日），全区共受理各类事件\d+件，环比(增长|下降)\d+\.\d%，同比(增长|下降)\d+\.\d%。/);
    expect(overall).toMatch(/其中，群众诉求（12345）\d+件/);
    expect(overall).toMatch(/按期办结率\d+\.\d%，环比(提高|下降)\d+\.\d个百分点/);
    expect(overall).toMatch(/群众满意率\d+\.\d%/);
    const exceptions = b.narrative
      .filter((s) => s.section === 'exceptions')
      .map((s) => s.text)
      .join('');
    expect(exceptions).toMatch(/截至2023年3月19日，全区超期未办结事件\d+件/);
    expect(exceptions).toMatch(/全区现有平安网格\d+个/);
    const problems = b.narrative.filter((s) => s.section === 'problems');
    expect(problems[0].text).toMatch(/^（一）/);
    // Some of the week's appeals were rated dissatisfied (counted in the cache): the problems say so.
    const dissatisfied = district.db
      .prepare("SELECT count(*) FROM events WHERE kind = 'appeal' AND satisfaction = 'dissatisfied' AND day BETWEEN ? AND ?")
      .pluck()
      .get(b.period.from, b.period.to);
    expect(dissatisfied).toBeGreaterThan(0);
    expect(problems.map((s) => s.text).join('')).toMatch(/（二）部分社区群众满意度不高。/);
  });

  it('traces every number to a figure', () => {
    checkTraceable(b);
    for (const s of b.narrative) expect(s.refs.length + (statedNumbers(s.text).length === 0 ? 1 : 0), s.text).toBeGreaterThan(0);
  });

  it('names the figures it cites, with the cases behind them', () => {
    const sentence = b.narrative.find((s) => s.text.includes('超期未办结事件'))!;
    const overdue = b.figures[sentence.refs[0]];
    expect(overdue).toMatchObject({ metric: 'overdue', variant: 'value', subject: { level: 'district' }, drill: { status: 'overdue' } });
  });

  it('traces for a month, a custom range and an empty week too', () => {
    checkTraceable(assembleBriefing(district.ctx, { kind: 'month', month: '2023-02' }));
    checkTraceable(assembleBriefing(district.ctx, { kind: 'custom', from: 20230301, to: 20230315 }));
    const empty = assembleBriefing(district.ctx, { kind: 'week', week: '2021-W10' }); // before the demo's history
    checkTraceable(empty);
    expect(empty.narrative.map((s) => s.text).join('')).toContain('无超期未办结事件');
  });
});
