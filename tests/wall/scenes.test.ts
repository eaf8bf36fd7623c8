import { describe, expect, it } from 'vitest';
import { sizes } from '../../renderer/src/common/charts/options';
import { createAppI18n, LOCALES } from '../../renderer/src/common/i18n';
import { gridIndex } from '../../renderer/src/wall/derive';
import { CHARTS, kpiContext, KPIS, LINES, riskRows, TABLES, type WallContext } from '../../renderer/src/wall/panels';
import { SCENE_DECLARATIONS, SCENES, templateAreas } from '../../renderer/src/wall/scenes';
import { gridStates, rankingRow, regions, snapshot } from './fixtures';

const i18n = createAppI18n('zh-CN').global;
const year = snapshot('year', {
  streets: [rankingRow({ id: 's1', name: '浓洄街道', events: 12, overdue: 1 }), rankingRow({ id: 's2', name: '北辰街道', satisfaction: 0.95 })],
  communities: [
    rankingRow({ id: 'c1', name: '翠屏路社区', parentName: '浓洄街道', disputesFound: 5 }),
    rankingRow({ id: 'c2', name: '城北社区', parentName: '北辰街道' }),
  ],
  departments: [rankingRow({ id: 'd1', name: '综合执法局', overdue: 2, onTimeRate: 0.5 }), rankingRow({ id: 'd2', name: '住建局', onTimeRate: 0.9 })],
});
const context: WallContext = {
  year,
  today: snapshot('today'),
  grids: gridStates,
  broken: year.brokenGrids,
  index: gridIndex(regions),
  s: sizes(19.2),
  t: i18n.t as WallContext['t'],
};

describe('the scene declarations', () => {
  it('declare every scene, and only those', () => {
    expect(Object.keys(SCENE_DECLARATIONS).sort()).toEqual([...SCENES].sort());
  });

  describe.each([...SCENES])('%s', (id) => {
    const scene = SCENE_DECLARATIONS[id];

    it('has panels with distinct ids and areas, titles in every language', () => {
      expect(new Set(scene.panels.map((p) => p.id)).size).toBe(scene.panels.length);
      expect(new Set(scene.panels.map((p) => p.area)).size).toBe(scene.panels.length);
      for (const p of scene.panels) for (const locale of LOCALES) expect(i18n.te(p.title, locale), `${p.title} in ${locale}`).toBe(true);
    });

    it('places every panel, the counters and the map in both layouts, on rectangular grids', () => {
      for (const rows of [scene.layout.standard, scene.layout.wide]) {
        const cells = rows.map((r) => r.split(' '));
        expect(new Set(cells.map((r) => r.length)).size).toBe(1);
        const named = new Set(cells.flat());
        expect([...named].sort()).toEqual(['kpi', 'map', ...scene.panels.map((p) => p.area)].sort());
      }
      expect(scene.layout.standard[0].split(' ')).toHaveLength(3);
      expect(scene.layout.wide[0].split(' ')).toHaveLength(5);
    });

    it('resolves each panel’s props from the data: chart options, table rows, lines', () => {
      for (const p of scene.panels) {
        if (p.sub) expect(LINES[p.sub](context), `${p.id} sub`).toMatch(/\S/);
        const body = p.body;
        if (body.kind === 'chart') expect(CHARTS[body.chart](context).option.series, p.id).toBeTruthy();
        if (body.kind === 'table') {
          const table = TABLES[body.table](context);
          expect(table.rows.length, p.id).toBeGreaterThan(0);
          for (const row of table.rows) expect(Object.keys(row.cells).sort()).toEqual(table.columns.map((c) => c.key).sort());
          expect(table.nameLabel).not.toMatch(/^wall\./);
        }
      }
    });

    it('has counters that resolve to their own key, translated', () => {
      const both = kpiContext(context)!;
      for (const k of scene.kpis) {
        const kpi = KPIS[k](both);
        expect(kpi.key).toBe(k);
        expect(`${kpi.label} ${kpi.unit ?? ''} ${kpi.sub ?? ''}`).not.toMatch(/wall\./);
      }
    });
  });

  it('shows no counters until both windows are in', () => {
    expect(kpiContext({ ...context, today: null })).toBeNull();
  });

  it('defines each shared panel once: the disputes trend of the overview is the disputes scene’s', () => {
    const chartOf = (scene: keyof typeof SCENE_DECLARATIONS, panel: string) => SCENE_DECLARATIONS[scene].panels.find((p) => p.id === panel)!.body;
    expect(chartOf('overview', 'dispute-trend')).toEqual(chartOf('disputes', 'dispute-trend'));
    expect(SCENE_DECLARATIONS.overview.kpis).toContain('satisfaction');
    expect(SCENE_DECLARATIONS.appeals.kpis).toContain('satisfaction');
  });

  it('ranks as the wall always has: streets by volume, departments by on-time rate, communities by disputes', () => {
    expect(TABLES.streetRank(context).rows.map((r) => [r.name, r.alarm])).toEqual([
      ['浓洄街道', ['open']],
      ['北辰街道', []],
    ]);
    expect(TABLES.streetQuality(context).rows.map((r) => r.name)).toEqual(['北辰街道', '浓洄街道']);
    expect(TABLES.deptQuality(context).rows.map((r) => [r.name, r.cells.onTime, r.alarm])).toEqual([
      ['住建局', '90.0%', []],
      ['综合执法局', '50.0%', ['overdue']],
    ]);
    expect(TABLES.hotspots(context).rows.map((r) => [r.name, r.sub, r.bar])).toEqual([
      ['翠屏路社区', '浓洄街道', 1],
      ['城北社区', '北辰街道', 0.6],
    ]);
    expect(riskRows(context).map((r) => r.id)).toEqual(['g2', 'g3']);
  });

  it('says "no overdue cases" instead of an empty chart', () => {
    expect(CHARTS.overdueByDept(context).empty).toBeNull();
    expect(CHARTS.overdueByDept({ ...context, year: { ...year, departments: [] } }).empty).toBe(i18n.t('wall.empty.overdue'));
  });

  it('writes a layout as grid-template-areas under the header and the banner', () => {
    expect(templateAreas(['a kpi d', 'b map e'])).toBe("'head head head' 'banner banner banner' 'a kpi d' 'b map e'");
  });
});
