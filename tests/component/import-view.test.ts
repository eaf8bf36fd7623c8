import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportState, ImportView, ServiceMapping } from '../../shared/api/imports';
import { createBridgeClient, type Transport } from '../../shared/bridge/client';
import type { AppInfo, SyncStatus } from '../../shared/bridge/contract';
import type { ImportPage } from '../../shared/bridge/imports';
import { setBridge } from '../../renderer/src/common/bridge';
import { createAppI18n } from '../../renderer/src/common/i18n';
import { useNavLinks } from '../../renderer/src/shell/nav';
import { useConnectionStore } from '../../renderer/src/shell/store';
import { useImportStore } from '../../renderer/src/imports/store';
import ImportViewPage from '../../renderer/src/imports/ImportView.vue';

const info = (role: 'viewer' | 'operator'): AppInfo => ({
  name: 'Grid Command Center',
  version: '1.0.0',
  host: 'web',
  now: '2026-11-28T09:00:00+08:00',
  locale: 'zh-CN',
  districtName: '广安区',
  role,
});
const SYNC: SyncStatus = {
  state: 'live',
  source: 'demo',
  demo: true,
  lastContact: null,
  progress: null,
  retryInSeconds: null,
  quarantined: 0,
  message: null,
  problem: null,
};
const TARGET = { baseUrl: 'http://127.0.0.1:4400/', demo: true, writeTokenSet: false };

function emptyState(): ImportState {
  return {
    progress: { fraction: 0, rows: 0, ratePerSecond: 0, secondsLeft: null },
    rows: 0,
    rejectedRows: 0,
    problems: [],
    problemCounts: { error: 0, warning: 0 },
  };
}

function view(id: string, patch: Omit<Partial<ImportView>, 'state'> & { state?: Partial<ImportState> } = {}): ImportView {
  const { state, ...rest } = patch;
  return {
    id,
    source: 'disputes',
    recordsSource: 'excel:矛盾纠纷台账',
    fileName: '矛盾纠纷台账.xlsx',
    sha256: 'ab12cd34ef56'.padEnd(64, '0'),
    bytes: 20480,
    tokenName: 'import-officer',
    createdAt: '2026-11-28T09:30:00+08:00',
    status: 'reading',
    committedAt: null,
    ...rest,
    state: { ...emptyState(), ...state },
  };
}

const LAYOUT: ImportState['layout'] = {
  fileName: '矛盾纠纷台账.xlsx',
  format: 'xlsx',
  sheet: '矛盾纠纷台账',
  headerRow: 2,
  columns: [
    { field: 'number', header: '编号', from: '台账编号', by: 'synonym', required: false },
    { field: 'reported_at', header: '发现时间', from: '发现时间', by: 'header', required: true },
    { field: 'grid', header: '网格', from: '网格', by: 'header', required: true },
    { field: 'closed_at', header: '化解时间', from: null, by: null, required: false },
  ],
  unused: ['办结日期', '备注'],
  problems: [],
};

/** The preview of the ledger full of mistakes: 2 errors on rows 5 and 7, a warning on row 9. */
function readyState(excluded: number[] = []): Partial<ImportState> {
  const problems: ImportState['problems'] = [
    {
      severity: 'error',
      sheet: '矛盾纠纷台账',
      row: 5,
      column: '发现时间',
      value: '2023-13-45',
      message: '“发现时间”不是日期：请写成 2023-03-05 或 2023-03-05 09:30。',
    },
    {
      severity: 'error',
      sheet: '矛盾纠纷台账',
      row: 7,
      column: '网格',
      value: '不存在的网格',
      message: '没有名为“不存在的网格”的网格：请填写网格名称或编码。',
    },
    { severity: 'warning', sheet: '矛盾纠纷台账', row: 9, column: '化解时间', value: '2023-03-01', message: '化解时间早于发现时间，请核对。' },
  ].filter((p) => !(p.severity === 'error' && excluded.includes(p.row))) as ImportState['problems'];
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    progress: { fraction: 1, rows: 10, ratePerSecond: 2000, secondsLeft: 0 },
    layout: LAYOUT,
    rows: 10,
    rejectedRows: errors,
    problems,
    problemCounts: { error: errors, warning: 1 },
    outcome: { created: 6, updated: 1, unchanged: 1, missing: 3, deleted: 0, missingSample: [{ type: 'event', id: 'disputes-2023-0001' }] },
  };
}

interface Host {
  role: 'viewer' | 'operator';
  page: ImportPage;
  calls: { name: string; payload: unknown }[];
  uploads: unknown[];
  /** What import.get answers for an id, in turn (the last one repeats). */
  script: Map<string, ImportView[]>;
  onStart: (payload: { excludeRows?: number[]; mapping?: unknown }, id: string) => ImportView[];
}

function fakeHost(patch: Partial<Host> = {}): Host & { transport: Transport } {
  const host: Host = {
    role: 'operator',
    page: { target: TARGET, imports: [], problem: null },
    calls: [],
    uploads: [],
    script: new Map(),
    onStart: (payload, id) => [
      view(id),
      view(id, { state: { progress: { fraction: 0.4, rows: 4000, ratePerSecond: 2000, secondsLeft: 3 } } }),
      view(id, { status: 'ready', state: readyState(payload.excludeRows ?? []) }),
    ],
    ...patch,
  };
  const views = new Map<string, ImportView>();
  let n = 0;
  const transport: Transport = {
    kind: 'web',
    async request(name, payload) {
      host.calls.push({ name, payload });
      const p = payload as Record<string, unknown>;
      switch (name) {
        case 'app.info':
          return info(host.role);
        case 'sync.status':
          return SYNC;
        case 'import.list':
          if (host.role === 'viewer') throw { code: 'forbidden', message: 'viewer' };
          return host.page;
        case 'import.token':
          host.page = { ...host.page, target: { ...host.page.target, writeTokenSet: p.token !== null }, problem: null };
          return host.page.target;
        case 'import.start': {
          const id = `imp-${++n}`;
          const steps = host.onStart(p as { excludeRows?: number[] }, id);
          host.script.set(id, steps.slice(1));
          views.set(id, steps[0]);
          return steps[0];
        }
        case 'import.open311': {
          const id = `imp-${++n}`;
          const mapping = (p.mapping as ServiceMapping | undefined) ?? { NOISE: { kind: 'appeal' }, FIGHT: { kind: 'dispute' } };
          const ready = view(id, {
            source: 'open311',
            fileName: String(p.url),
            status: 'ready',
            state: { ...readyState([5, 7]), layout: undefined, open311: { mapping, maxUpdated: null } },
          });
          views.set(id, ready);
          host.script.set(id, [ready]);
          return ready;
        }
        case 'import.get': {
          const id = p.id as string;
          const steps = host.script.get(id) ?? [];
          if (steps.length > 1) views.set(id, steps.shift()!);
          else if (steps.length === 1) views.set(id, steps[0]);
          return views.get(id);
        }
        case 'import.discard': {
          const id = p.id as string;
          const v = { ...views.get(id)!, status: 'discarded' as const };
          views.set(id, v);
          host.script.set(id, [v]);
          return v;
        }
        case 'import.commit': {
          const id = p.id as string;
          const before = views.get(id)!;
          const done: ImportView = {
            ...before,
            status: 'committed',
            committedAt: '2026-11-28T09:31:00+08:00',
            state: { ...before.state, outcome: { ...before.state.outcome!, deleted: p.deleteMissing ? 3 : 0 } },
          };
          views.set(id, done);
          host.page = { ...host.page, imports: [done, ...host.page.imports] };
          return done;
        }
        default:
          throw { code: 'unknown_request', message: name };
      }
    },
    async upload(file) {
      host.uploads.push(file);
      return { upload: randomUUID() };
    },
    onPush: () => () => {},
    onConnection: () => () => {},
  };
  return Object.assign(host, { transport });
}

async function mountPage(host: ReturnType<typeof fakeHost>): Promise<VueWrapper> {
  setBridge(createBridgeClient(host.transport));
  const pinia = createPinia();
  setActivePinia(pinia);
  useConnectionStore(pinia).start();
  const wrapper = mount(ImportViewPage, { global: { plugins: [pinia, createAppI18n('zh-CN')] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/** Picks the ledger source and a file (the page keeps the File for re-reads). */
async function chooseFile(wrapper: VueWrapper) {
  await wrapper.get('[data-test=import-source][value=disputes]').setValue(true);
  const input = wrapper.get('[data-test=import-file]');
  const file = new File([new Uint8Array([0x50, 0x4b, 3, 4])], '矛盾纠纷台账.xlsx', {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  });
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
  return file;
}

/** Start, then let the 500 ms polls run until the preview is there. */
async function readToPreview(wrapper: VueWrapper) {
  await wrapper.get('[data-test=import-start]').trigger('click');
  await flushPromises();
  await vi.advanceTimersByTimeAsync(500);
  await flushPromises();
  await vi.advanceTimersByTimeAsync(500);
  await flushPromises();
}

const button = (wrapper: VueWrapper, test: string) => wrapper.get(`[data-test=${test}]`).element as HTMLButtonElement;
const starts = (host: Host) => host.calls.filter((c) => c.name === 'import.start').map((c) => c.payload as Record<string, unknown>);

afterEach(() => {
  useImportStore().stopPolling();
  vi.useRealTimers();
  setBridge(undefined);
  document.body.innerHTML = '';
});

describe('导入 page', () => {
  it('a viewer gets no link to it, and the page says it is for operators without asking for the list', async () => {
    const host = fakeHost({ role: 'viewer' });
    const wrapper = await mountPage(host);
    expect(useNavLinks().value.map((l) => l.to)).not.toContain('/import');
    expect(wrapper.get('[data-test=import-viewer]').text()).toContain('数据导入只对操作员开放');
    expect(wrapper.find('[data-test=import-start]').exists()).toBe(false);
    expect(host.calls.map((c) => c.name)).not.toContain('import.list');
  });

  it('an operator gets the link, sees where imports go (the demo service) and the history', async () => {
    const done = view('old-1', {
      status: 'committed',
      committedAt: '2026-11-27T10:00:00+08:00',
      state: { rows: 12, outcome: { created: 10, updated: 2, unchanged: 0, missing: 0, deleted: 0, missingSample: [] } },
    });
    const host = fakeHost({ page: { target: TARGET, imports: [done], problem: null } });
    const wrapper = await mountPage(host);
    expect(useNavLinks().value.map((l) => l.to)).toContain('/import');
    expect(wrapper.get('[data-test=import-target-url]').text()).toBe('http://127.0.0.1:4400/');
    expect(wrapper.get('[data-test=import-target-demo]').text()).toBe('导入到演示数据的中心服务');
    expect(wrapper.find('[data-test=import-token]').exists()).toBe(false);
    const row = wrapper.get('[data-test=history-row]');
    expect(row.text()).toContain('矛盾纠纷排查化解台账');
    expect(row.text()).toContain('已写入');
    expect(row.text()).toContain('新增 10');
    expect(row.get('[data-test=history-sha]').text()).toBe('ab12cd34ef56');
    expect(row.get('[data-test=history-sha]').attributes('title')).toBe(done.sha256);
  });

  it('reads with progress, then shows the mapping, the counts and the problems; 写入 waits for errors and warnings', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost();
    const wrapper = await mountPage(host);
    const file = await chooseFile(wrapper);
    await wrapper.get('[data-test=import-start]').trigger('click');
    await flushPromises();
    expect(host.uploads).toEqual([file]);
    expect(starts(host)[0]).toMatchObject({ source: 'disputes', fileName: '矛盾纠纷台账.xlsx' });
    expect(starts(host)[0]).not.toHaveProperty('excludeRows');

    // Reading: the bar with the percentage, rows, rate and time left.
    await vi.advanceTimersByTimeAsync(500);
    await flushPromises();
    const progress = wrapper.get('[data-test=import-progress]');
    expect(progress.get('[data-test=import-progress-pct]').text()).toBe('40%');
    expect(progress.text()).toContain('已读 4,000 行');
    expect(progress.text()).toContain('2,000 行/秒');
    expect(progress.text()).toContain('约剩 3 秒');

    // Ready: the preview.
    await vi.advanceTimersByTimeAsync(500);
    await flushPromises();
    expect(wrapper.find('[data-test=import-progress]').exists()).toBe(false);
    expect(wrapper.get('[data-test=import-status]').text()).toBe('待确认');
    const mapping = wrapper.findAll('[data-test=mapping-row]');
    expect(mapping.map((r) => r.attributes('data-field'))).toEqual(['number', 'reported_at', 'grid', 'closed_at']);
    expect(mapping[0].text()).toContain('同义列名');
    expect(mapping[1].text()).toContain('必填');
    const options = mapping[3].findAll('option').map((o) => o.text());
    expect(options).toEqual(['（不读取）', '台账编号', '发现时间', '网格', '办结日期', '备注']);
    expect(wrapper.get('[data-test=count-created]').text()).toContain('6');
    expect(wrapper.get('[data-test=count-updated]').text()).toContain('1');
    expect(wrapper.get('[data-test=count-rejected]').text()).toContain('2');
    expect(wrapper.get('[data-test=count-missing]').text()).toContain('本来源以前导入而此文件没有');
    expect(wrapper.get('[data-test=count-errors]').text()).toContain('2');
    expect(wrapper.get('[data-test=count-warnings]').text()).toContain('1');
    const problems = wrapper.findAll('[data-test=problem-row]');
    expect(problems).toHaveLength(3);
    expect(problems[0].text()).toContain('2023-13-45');
    expect(problems[0].find('[data-test=problem-exclude]').exists()).toBe(true);
    expect(problems[2].find('[data-test=problem-exclude]').exists()).toBe(false);

    // Errors: 写入 is off and the page says why.
    expect(button(wrapper, 'import-commit').disabled).toBe(true);
    expect(wrapper.get('[data-test=commit-blocked]').text()).toContain('还有 2 个错误');

    // The same state without errors: the warning needs an explicit acceptance.
    const store = useImportStore();
    store.current = {
      ...store.current!,
      state: {
        ...store.current!.state,
        problems: store.current!.state.problems.filter((p) => p.severity === 'warning'),
        problemCounts: { error: 0, warning: 1 },
      },
    };
    await flushPromises();
    expect(button(wrapper, 'import-commit').disabled).toBe(true);
    expect(wrapper.get('[data-test=commit-blocked]').text()).toContain('有 1 个提醒');
    await wrapper.get('[data-test=accept-warnings]').setValue(true);
    expect(button(wrapper, 'import-commit').disabled).toBe(false);
  });

  it('excluding the error rows discards the preview and uploads the kept file again with excludeRows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost();
    const wrapper = await mountPage(host);
    const file = await chooseFile(wrapper);
    await readToPreview(wrapper);

    const boxes = wrapper.findAll('[data-test=problem-exclude]');
    expect(boxes).toHaveLength(2);
    await boxes[0].setValue(true);
    expect(button(wrapper, 'problems-exclude').textContent).toContain('排除勾选的 1 行');
    await wrapper.get('[data-test=problems-tick-all]').trigger('click');
    await wrapper.get('[data-test=problems-exclude]').trigger('click');
    await flushPromises();

    expect(host.calls.filter((c) => c.name === 'import.discard').map((c) => c.payload)).toEqual([{ id: 'imp-1' }]);
    expect(host.uploads).toEqual([file, file]);
    expect(starts(host)[1]).toMatchObject({ source: 'disputes', excludeRows: [5, 7] });

    await vi.advanceTimersByTimeAsync(500);
    await flushPromises();
    await vi.advanceTimersByTimeAsync(500);
    await flushPromises();
    expect(wrapper.get('[data-test=count-errors]').text()).toContain('0');
    expect(wrapper.get('[data-test=problems-excluded]').text()).toContain('已排除 2 行（第 5、7 行）');
    expect(wrapper.findAll('[data-test=problem-row]')).toHaveLength(1);
    expect(wrapper.get('[data-test=commit-blocked]').text()).toContain('有 1 个提醒');
  });

  it('a changed column mapping reads the file again with the mapping', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost();
    const wrapper = await mountPage(host);
    await chooseFile(wrapper);
    await readToPreview(wrapper);

    const select = wrapper.findAll('[data-test=mapping-select]')[3];
    await select.setValue('办结日期');
    expect(wrapper.get('[data-test=mapping-edited]').text()).toContain('已修改 1 列的对应');
    expect(button(wrapper, 'import-commit').disabled).toBe(true);
    await wrapper.get('[data-test=mapping-reread]').trigger('click');
    await flushPromises();
    expect(host.uploads).toHaveLength(2);
    expect(starts(host)[1].mapping).toEqual({ number: '台账编号', reported_at: '发现时间', grid: '网格', closed_at: '办结日期' });
  });

  it('Open311: the service codes’ table is shown, and an edited one pulls the endpoint again with it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost();
    const wrapper = await mountPage(host);
    await wrapper.get('[data-test=import-source][value=open311]').setValue(true);
    await wrapper.get('[data-test=open311-url]').setValue('https://12345.example.gov.cn/open311/v2');
    await wrapper.get('[data-test=import-start]').trigger('click');
    await flushPromises();
    const rows = wrapper.findAll('[data-test=service-row]');
    expect(rows.map((r) => r.text())).toEqual([expect.stringContaining('FIGHT'), expect.stringContaining('NOISE')]);
    await wrapper.findAll('[data-test=service-kind]')[1].setValue('incident');
    await wrapper.get('[data-test=services-repull]').trigger('click');
    await flushPromises();
    const pulls = host.calls.filter((c) => c.name === 'import.open311').map((c) => c.payload as Record<string, unknown>);
    expect(pulls).toHaveLength(2);
    expect(pulls[1]).toMatchObject({ url: 'https://12345.example.gov.cn/open311/v2', mapping: { NOISE: { kind: 'incident' }, FIGHT: { kind: 'dispute' } } });
    expect(host.calls.some((c) => c.name === 'import.discard')).toBe(true);
  });

  it('commit writes with the operator’s choices, shows what it did and refreshes the history', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost({
      onStart: (_payload, id) => [view(id), view(id, { status: 'ready', state: { ...readyState([5, 7]) } })],
    });
    const wrapper = await mountPage(host);
    await chooseFile(wrapper);
    await readToPreview(wrapper);

    await wrapper.get('[data-test=accept-warnings]').setValue(true);
    await wrapper.get('[data-test=delete-missing]').setValue(true);
    const listsBefore = host.calls.filter((c) => c.name === 'import.list').length;
    await wrapper.get('[data-test=import-commit]').trigger('click');
    await flushPromises();

    expect(host.calls.find((c) => c.name === 'import.commit')?.payload).toEqual({ id: 'imp-1', acceptWarnings: true, deleteMissing: true });
    const result = wrapper.get('[data-test=import-result]');
    expect(result.text()).toContain('已写入');
    expect(result.get('[data-test=result-created]').text()).toContain('6');
    expect(result.get('[data-test=result-deleted]').text()).toContain('3');
    expect(host.calls.filter((c) => c.name === 'import.list').length).toBeGreaterThan(listsBefore);
    const rows = wrapper.findAll('[data-test=history-row]');
    expect(rows).toHaveLength(1);
    expect(rows[0].attributes('data-status')).toBe('committed');

    await wrapper.get('[data-test=import-next]').trigger('click');
    expect(wrapper.find('[data-test=import-empty]').exists()).toBe(true);
  });

  it('放弃 discards the preview and says nothing was written', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost();
    const wrapper = await mountPage(host);
    await chooseFile(wrapper);
    await readToPreview(wrapper);
    await wrapper.get('[data-test=import-discard]').trigger('click');
    await flushPromises();
    expect(host.calls.some((c) => c.name === 'import.discard')).toBe(true);
    expect(wrapper.get('[data-test=import-empty]').text()).toContain('没有写入任何数据');
  });

  it('a failed import shows the service’s sentence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const host = fakeHost({
      onStart: (_p, id) => [view(id), view(id, { status: 'failed', state: { message: '这不是 Excel 或 CSV 文件：请另存为 .xlsx 后再导入。' } })],
    });
    const wrapper = await mountPage(host);
    await chooseFile(wrapper);
    await readToPreview(wrapper);
    expect(wrapper.get('[data-test=import-failed-message]').text()).toBe('这不是 Excel 或 CSV 文件：请另存为 .xlsx 后再导入。');
  });

  it('a token the service refuses: the list’s problem is said in words and a write token can be entered (kept in memory)', async () => {
    const problem =
      'This token ("wall") may only read; GET /v1/imports needs a token with the write scope (npm run central -- token create NAME --scope write).';
    const host = fakeHost({ page: { target: TARGET, imports: [], problem } });
    const wrapper = await mountPage(host);
    expect(wrapper.get('[data-test=import-list-problem]').text()).toContain('导入需要具有写入权限的令牌');
    const form = wrapper.get('[data-test=import-token]');
    expect(form.text()).toContain('令牌只保存在本次运行的内存中');
    await wrapper.get('[data-test=import-token-input]').setValue('write-token-123');
    await form.trigger('submit');
    await flushPromises();
    expect(host.calls.find((c) => c.name === 'import.token')?.payload).toEqual({ token: 'write-token-123' });
    expect(wrapper.find('[data-test=import-list-problem]').exists()).toBe(false);
    expect(wrapper.get('[data-test=import-token]').text()).toContain('已填写写入令牌');
    expect((wrapper.get('[data-test=import-token-input]').element as HTMLInputElement).value).toBe('');
  });

  it('a service that does not answer is said in words, without the token field', async () => {
    const problem = 'The central service at http://127.0.0.1:4400/ did not answer (ECONNREFUSED). Is it running, and is the address right?';
    const host = fakeHost({ page: { target: TARGET, imports: [], problem } });
    const wrapper = await mountPage(host);
    expect(wrapper.get('[data-test=import-list-problem]').text()).toContain('无法连接导入目标的中心服务');
    expect(wrapper.find('[data-test=import-token]').exists()).toBe(false);
  });
});
