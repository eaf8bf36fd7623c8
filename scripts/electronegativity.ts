/**
 * `npm run security`: Doyensec's electronegativity over the Electron code (electron/) and the built renderer page
 * (dist/renderer/index.html), offline, failing on any finding that scripts/electronegativity-allow.json does not
 * list with a reason. Its command line is not used: it breaks on the installed commander and exits 0 on findings.
 *
 * Offline: the two checks that download Electron's release list (ElectronVersionJSONCheck,
 * AvailableSecurityFixesGlobalCheck) are left out, the Electron version is the installed one, and the translations
 * it would fetch at start are its bundled English ones.
 *
 * The page is scanned as the app serves it: protocol.ts sends it with the shared Content-Security-Policy header,
 * which electronegativity cannot see, so the staged copy carries that policy as a <meta> tag to be evaluated.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CONTENT_SECURITY_POLICY } from '../shared/security/csp';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ALLOW_LIST_FILE = path.join(ROOT, 'scripts', 'electronegativity-allow.json');
export const OFFLINE_EXCLUDED_CHECKS = ['ElectronVersionJSONCheck', 'AvailableSecurityFixesGlobalCheck'];

export interface Finding {
  check: string;
  /** Relative to the scanned folder: electron/… or renderer/index.html. */
  file: string;
  line: number;
  column: number;
  severity: string;
  confidence: string;
  description: string;
  url: string;
}

const Allowance = z
  .object({
    check: z.string().min(1),
    file: z.string().min(1),
    reason: z.string().trim().min(40, 'Each allowed finding needs a reason of a sentence or more.'),
  })
  .strict();
export type Allowance = z.infer<typeof Allowance>;

export interface Verdict {
  findings: Finding[];
  /** Findings not on the allow-list: each one fails the run. */
  failures: Finding[];
  /** Allow-list entries that matched nothing: they fail the run too, so the list only holds what is still true. */
  unusedAllowances: Allowance[];
  /** Files electronegativity could not read, so did not check. */
  unreadable: { file: string; message: string }[];
}

export function loadAllowList(file: string = ALLOW_LIST_FILE): Allowance[] {
  return z.array(Allowance).parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function judge(findings: Finding[], allowList: Allowance[]): Pick<Verdict, 'failures' | 'unusedAllowances'> {
  const allows = (a: Allowance, f: Finding) => a.check === f.check && a.file === f.file;
  return {
    failures: findings.filter((f) => !allowList.some((a) => allows(a, f))),
    unusedAllowances: allowList.filter((a) => !findings.some((f) => allows(a, f))),
  };
}

/** The page as the app serves it: the CSP header that protocol.ts sends becomes a <meta> the scanner can read. */
export function withServedCsp(html: string): string {
  const head = /<head[^>]*>/i.exec(html);
  if (!head) throw new Error('The built renderer page has no <head>; it cannot be checked.');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replaceAll('"', '&quot;')}">`;
  return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
}

interface RunnerIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string };
  confidence: { name: string };
  description: string;
  shortenedURL?: string;
}
type Runner = (
  options: Record<string, unknown>,
  forCli: boolean,
) => Promise<{ issues: RunnerIssue[]; errors: { file: string; message: string; tolerable: boolean }[] }>;

/** electronegativity's runner, with its start-up translation download replaced by the bundled strings. */
function loadRunner(): Runner {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const own = createRequire(path.join(packageDir, 'package.json'));
  const i18nPath = own.resolve('./dist/locales/i18n.js');
  if (!require.cache[i18nPath]) {
    const i18n = own('i18n') as { configure(options: object): void; setLocale(locale: string): void };
    const offline = new Module(i18nPath);
    offline.filename = i18nPath;
    offline.loaded = true;
    offline.exports = async () => {
      i18n.configure({
        locales: ['en-US'],
        defaultLocale: 'en-US',
        directory: path.dirname(i18nPath),
        updateFiles: false,
        objectNotation: true,
        retryInDefaultLocale: true,
        register: global,
      });
      i18n.setLocale('en-US');
    };
    require.cache[i18nPath] = offline;
  }
  return own('./dist/runner.js') as Runner;
}

export interface ScanOptions {
  electronDir?: string;
  /** The built renderer page. */
  rendererHtml?: string;
  allowList?: Allowance[];
}

export async function runSecurityScan(options: ScanOptions = {}): Promise<Verdict> {
  const electronDir = options.electronDir ?? path.join(ROOT, 'electron');
  const rendererHtml = options.rendererHtml ?? path.join(ROOT, 'dist', 'renderer', 'index.html');
  if (!existsSync(rendererHtml)) {
    throw new Error(`The built renderer page ${path.relative(ROOT, rendererHtml)} is missing: run \`npm run build:renderer\` first (npm test does).`);
  }
  const stage = mkdtempSync(path.join(os.tmpdir(), 'gcc-electronegativity-'));
  try {
    cpSync(electronDir, path.join(stage, 'electron'), { recursive: true });
    mkdirSync(path.join(stage, 'renderer'));
    writeFileSync(path.join(stage, 'renderer', 'index.html'), withServedCsp(readFileSync(rendererHtml, 'utf8')));

    const electronVersion = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;
    const result = await loadRunner()(
      { input: stage, isRelative: true, customScan: [], excludeFromScan: OFFLINE_EXCLUDED_CHECKS, electronVersionOverride: electronVersion, parserPlugins: [] },
      false,
    );
    const findings = result.issues.map((issue): Finding => ({
      check: issue.id,
      file: issue.file.split(path.sep).join('/'),
      line: issue.location.line,
      column: issue.location.column,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      description: issue.description,
      url: issue.shortenedURL ?? '',
    }));
    const unreadable = result.errors.filter((e) => !e.tolerable).map(({ file, message }) => ({ file: path.relative(stage, file), message }));
    return { findings, unreadable, ...judge(findings, options.allowList ?? loadAllowList()) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function report(verdict: Verdict): boolean {
  const where = (f: Finding) => `${f.file}:${f.line}:${f.column}`;
  for (const f of verdict.failures) console.log(`✗ ${f.severity}/${f.confidence} ${f.check} at ${where(f)}\n    ${f.description} ${f.url}`);
  for (const f of verdict.findings.filter((x) => !verdict.failures.includes(x)))
    console.log(`- allowed: ${f.check} at ${where(f)} (see ${path.relative(ROOT, ALLOW_LIST_FILE)})`);
  for (const a of verdict.unusedAllowances) console.log(`✗ The allow-list entry for ${a.check} in ${a.file} matches no finding any more; remove it.`);
  for (const u of verdict.unreadable) console.log(`✗ electronegativity could not read ${u.file}, so did not check it: ${u.message}`);
  const clean = verdict.failures.length === 0 && verdict.unusedAllowances.length === 0 && verdict.unreadable.length === 0;
  console.log(
    clean
      ? `electronegativity: no findings over electron/ and the built renderer page (${verdict.findings.length} allowed with a reason).`
      : 'electronegativity: fix the findings above in electron/ (or, for a false positive, list it with a reason in the allow-list).',
  );
  return clean;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  runSecurityScan().then(
    (verdict) => process.exit(report(verdict) ? 0 : 1),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
