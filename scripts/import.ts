/**
 * `npm run import -- <source> FILE|URL --api URL --token-file F [--dry-run] [--mapping FILE.json] [--exclude-rows 7,12]
 *  [--accept-warnings] [--delete-missing] [--datum D]` — a district's file (or Open311 feed) into the central
 * service, for scheduled jobs; `npm run import -- template <source> [OUT.xlsx]` writes a ledger's template.
 * The service reads and checks the file and shows the preview; this writes it only when there is no error (and the
 * warnings are accepted). Exit 0 only when everything was written (or, with --dry-run, when it could be).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ColumnMapping, ServiceMapping, SOURCE_NAMES, type ImportView, type Problem, type SourceName } from '../shared/api/imports';
import { readToken } from '../core/config';
import { ImportsClient } from '../core/imports/client';
import { TABULAR_SOURCES } from '../central/import/sources';
import { writeTemplate } from '../central/import/table/template';

const HELP = `Usage: npm run import -- <source> FILE|URL --api URL [--token-file F | --token T] [options]
       npm run import -- template <source> [OUT.xlsx]

Sources: ${SOURCE_NAMES.join(', ')} (open311 takes the endpoint's URL instead of a file).
The file is read and checked by the central service; what would change is printed; it is written only when nothing is
wrong. Exit 0 only when everything was written; 1 with a sentence otherwise.

  --dry-run             print the preview, write nothing
  --mapping FILE.json   the columns to read: {"field": "header in the file", …} (see the preview's mapping);
                        for open311 the service codes' table: {"CODE": {"kind": "appeal|dispute|hazard|incident|service"}, …}
  --exclude-rows 7,12   leave these rows of the file out
  --accept-warnings     write although there are warnings (errors always stop the import)
  --delete-missing      delete the records this source wrote before that the file no longer has
  --datum D             boundaries: WGS-84 (default), CGCS2000 or GCJ-02
  --since ISO           open311: pull requests updated after this (default: where the last import ended)
`;

function problemLine(p: Problem): string {
  const where = [
    p.file,
    p.sheet,
    p.row !== undefined ? `第 ${p.row} 行` : undefined,
    p.column ? `“${p.column}”列` : undefined,
    p.feature,
    p.value !== undefined ? `值“${p.value}”` : undefined,
  ]
    .filter(Boolean)
    .join('，');
  return `  ${p.severity === 'error' ? '错误' : '提醒'}${where ? `（${where}）` : ''}：${p.message}`;
}

/** The preview as the operator reads it on the 导入 page, as text. */
export function previewText(view: ImportView): string {
  const s = view.state;
  const lines = [`${view.fileName}（${view.source}，SHA-256 ${view.sha256.slice(0, 16)}…）：读取 ${s.rows} 行`];
  if (s.layout) {
    lines.push(`  工作表“${s.layout.sheet}”，表头在第 ${s.layout.headerRow} 行；列对应：`);
    for (const c of s.layout.columns) lines.push(`    ${c.header}${c.required ? '*' : ''} ← ${c.from ?? '（未找到）'}`);
  }
  if (s.outcome) {
    const o = s.outcome;
    lines.push(
      `  将新增 ${o.created}，更新 ${o.updated}，不变 ${o.unchanged}，拒绝 ${s.rejectedRows} 行${o.missing ? `；本来源以前导入、这次文件中没有的 ${o.missing} 条（加 --delete-missing 才删除）` : ''}`,
    );
  }
  if (s.open311)
    for (const [code, entry] of Object.entries(s.open311.mapping))
      lines.push(`  服务代码 ${code} → ${entry.kind}${entry.task_code ? `（${entry.task_code}）` : ''}`);
  if (s.regions) lines.push(`  区域：新增 ${s.regions.created}，更新 ${s.regions.updated}，不变 ${s.regions.unchanged}，移除 ${s.regions.removed}`);
  if (s.problemCounts.error || s.problemCounts.warning)
    lines.push(
      `  ${s.problemCounts.error} 个错误，${s.problemCounts.warning} 个提醒${s.problems.length < s.problemCounts.error + s.problemCounts.warning ? '（只列出前面的）' : ''}：`,
    );
  for (const p of s.problems.slice(0, 50)) lines.push(problemLine(p));
  if (s.message) lines.push(`  ${s.message}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      mapping: { type: 'string' },
      'exclude-rows': { type: 'string' },
      'accept-warnings': { type: 'boolean', default: false },
      'delete-missing': { type: 'boolean', default: false },
      datum: { type: 'string' },
      since: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !positionals.length) {
    process.stdout.write(HELP);
    return values.help ? 0 : 1;
  }
  const [first, second, third] = positionals;
  if (first === 'template') {
    const source = second as keyof typeof TABULAR_SOURCES;
    if (!TABULAR_SOURCES[source]) throw new Error(`There is a template for ${Object.keys(TABULAR_SOURCES).join(', ')}; not for "${second ?? ''}".`);
    const out = third ?? `${TABULAR_SOURCES[source].template.title}模板.xlsx`;
    writeFileSync(out, await writeTemplate(TABULAR_SOURCES[source].template));
    process.stdout.write(`Wrote the template of ${TABULAR_SOURCES[source].template.title} to ${out}\n`);
    return 0;
  }
  const source = first as SourceName;
  if (!SOURCE_NAMES.includes(source)) throw new Error(`"${first}" is not a source; one of ${SOURCE_NAMES.join(', ')}, or template.`);
  if (!second)
    throw new Error(
      source === 'open311'
        ? 'Give the Open311 endpoint: npm run import -- open311 https://…/open311/v2 --api … --token-file …'
        : `Give the file: npm run import -- ${source} FILE --api … --token-file …`,
    );
  const api = values.api ?? process.env.GCC_API_URL;
  if (!api) throw new Error('Say which central service to import into: --api URL (or GCC_API_URL).');
  const token = values.token ?? readToken(process.env, values['token-file']);
  const client = new ImportsClient({ baseUrl: api, token });
  const excludeRows = values['exclude-rows']?.split(',').map((s) => Number(s.trim()));
  if (excludeRows?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--exclude-rows takes row numbers separated by commas, e.g. 7,12.');
  const mappingJson: unknown = values.mapping ? JSON.parse(readFileSync(values.mapping, 'utf8')) : undefined;
  const datum = values.datum as 'WGS-84' | 'GCJ-02' | 'CGCS2000' | undefined;

  const started =
    source === 'open311'
      ? await client.startOpen311({ url: second, since: values.since, mapping: mappingJson === undefined ? undefined : ServiceMapping.parse(mappingJson) })
      : await client.start({
          source,
          file: { path: second },
          fileName: path.basename(second),
          mapping: mappingJson === undefined ? undefined : ColumnMapping.parse(mappingJson),
          excludeRows,
          datum,
        });
  let last = 0;
  const view = await client.settled(started.id, (v) => {
    const p = v.state.progress;
    if (Date.now() - last < 2000 || v.status !== 'reading') return;
    last = Date.now();
    process.stderr.write(
      `  读取中 ${Math.round(p.fraction * 100)}%，${p.rows} 行，${p.ratePerSecond} 行/秒${p.secondsLeft !== null ? `，约剩 ${p.secondsLeft} 秒` : ''}\n`,
    );
  });
  process.stdout.write(`${previewText(view)}\n`);
  if (view.status === 'failed') return 1;
  const { error, warning } = view.state.problemCounts;
  if (values['dry-run'] || error || (warning && !values['accept-warnings'])) {
    await client.discard(view.id);
    if (error) process.stdout.write(`有 ${error} 个错误，没有写入任何数据：改正文件或用 --exclude-rows 排除这些行后再导入。\n`);
    else if (warning && !values['accept-warnings'] && !values['dry-run'])
      process.stdout.write(`有 ${warning} 个提醒，没有写入：查看后加 --accept-warnings 再导入。\n`);
    else process.stdout.write('试运行：没有写入任何数据。\n');
    return values['dry-run'] && !error ? 0 : 1;
  }
  const done = await client.commit(view.id, { acceptWarnings: values['accept-warnings'], deleteMissing: values['delete-missing'] });
  const o = done.state.outcome;
  process.stdout.write(`已写入：新增 ${o?.created ?? 0}，更新 ${o?.updated ?? 0}，不变 ${o?.unchanged ?? 0}，删除 ${o?.deleted ?? 0}。\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
