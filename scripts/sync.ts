/**
 * `npm run sync -- --api URL --token T --cache FILE [--follow]`: syncs headless in a worker thread and exits 0
 * once the cache holds everything the API had (or follows the stream with --follow); non-zero with a sentence.
 * Transient faults (timeouts, 408/425/429/5xx, broken bodies, reset connections) are retried for --retry-for
 * seconds, honouring Retry-After; permanent ones (400, 401, 403, 404, an answer in the wrong format) end it at once.
 */
import { parseArgs } from 'node:util';
import { defaultCacheFile, readToken } from '../core/config';
import { SyncService } from '../core/sync/service';

const DEFAULT_PAGE_SIZE = 5000;
const DEFAULT_RETRY_FOR_S = 300;

const HELP = `Usage: npm run sync -- --api URL [--token T | --token-file F] [--cache FILE] [--follow] [--ca FILE] [--proxy URL]
                     [--page-size N] [--retry-for SECONDS] [--quiet]

Pulls everything from the central API into the cache, printing progress; exits 0 when the cache holds everything,
1 with a sentence otherwise.
The token may also come from GCC_API_TOKEN or GCC_API_TOKEN_FILE. --cache defaults to ${defaultCacheFile()}.

  --page-size N          records asked for per page (limit), 1 to 100000; default ${DEFAULT_PAGE_SIZE}
  --retry-for SECONDS    how long to keep retrying transient faults (timeouts, 408/425/429/5xx, broken or cut-short
                         answers, refused or reset connections), honouring Retry-After; counted from the first
                         failure since data last arrived; 0 gives up at the first fault; default ${DEFAULT_RETRY_FOR_S}
                         Permanent faults (400, 401, 403, 404, an answer in the wrong format) end the sync at once.
`;

/** A whole number from `min` to `max` given on the command line, or a sentence saying what is wrong. */
function wholeNumber(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new Error(`${flag} must be a whole number from ${min} to ${max} (got "${text}").`);
  return value;
}

async function main() {
  const { values } = parseArgs({
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      cache: { type: 'string' },
      follow: { type: 'boolean', default: false },
      ca: { type: 'string' },
      proxy: { type: 'string' },
      'page-size': { type: 'string' },
      'retry-for': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const api = values.api ?? process.env.GCC_API_URL;
  if (!api) throw new Error('Say which central API to sync from: --api URL (or GCC_API_URL).');
  const token = values.token ?? readToken(process.env, values['token-file']);
  const cacheFile = values.cache ?? defaultCacheFile();
  const pageSize = wholeNumber(values['page-size'], '--page-size', DEFAULT_PAGE_SIZE, 1, 100_000);
  const retryForSeconds = wholeNumber(values['retry-for'], '--retry-for', DEFAULT_RETRY_FOR_S, 0, 7 * 24 * 3600);
  let lastLine = 0;
  let failure: string | null = null;
  const service = new SyncService(
    {
      cacheFile,
      api: { baseUrl: api, token, caFile: values.ca, proxy: values.proxy },
      engine: { pageSize, retryForMs: retryForSeconds * 1000, backoff: { initialMs: 1000, maxMs: 30_000 } },
      mode: values.follow ? 'follow' : 'once',
    },
    {
      status: (s) => {
        if (s.state === 'unauthorized') failure = s.message;
        if (values.quiet) return;
        const t = Date.now();
        if (s.state === 'syncing' && s.progress && t - lastLine < 1000) return;
        lastLine = t;
        const p = s.progress;
        const progress = p
          ? ` ${p.records}${p.total ? `/${p.total}` : ''} records, ${p.perSecond}/s${p.etaSeconds !== null ? `, ETA ${Math.ceil(p.etaSeconds)} s` : ''}`
          : '';
        console.error(`[sync] ${s.state}${progress}${s.retryInSeconds ? ` (next try in ${s.retryInSeconds} s)` : ''}${s.message ? ` — ${s.message}` : ''}`);
      },
      rebuilt: (info) => console.error(`[sync] The cache was damaged and was moved to ${info.movedTo}; rebuilding it from the API.`),
    },
  );
  const stop = () => void service.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await service.finished;
  } finally {
    await service.stop(); // ends the worker thread (its keep-alive sockets would hold the process open)
  }
  if (failure) throw new Error(failure);
  if (!values.quiet) console.error(`[sync] done: ${cacheFile}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
