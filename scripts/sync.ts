/**
 * `npm run sync -- --api URL --token T --cache FILE [--follow]`: syncs headless in a worker thread and exits 0
 * once the cache holds everything the API had (or follows the stream with --follow); non-zero with a sentence.
 */
import { parseArgs } from 'node:util';
import { defaultCacheFile, readToken } from '../core/config';
import { SyncService } from '../core/sync/service';

const HELP = `Usage: npm run sync -- --api URL [--token T | --token-file F] [--cache FILE] [--follow] [--ca FILE] [--proxy URL]

Pulls everything from the central API into the cache, printing progress; exits 0 when done.
The token may also come from GCC_API_TOKEN or GCC_API_TOKEN_FILE. --cache defaults to ${defaultCacheFile()}.
`;

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
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const api = values.api ?? process.env.GCC_API_URL;
  if (!api) throw new Error('Say which central API to sync from: --api URL (or GCC_API_URL).');
  const token = values.token ?? readToken(process.env, values['token-file']);
  const cacheFile = values.cache ?? defaultCacheFile();
  let lastLine = 0;
  let failure: string | null = null;
  const service = new SyncService(
    {
      cacheFile,
      api: { baseUrl: api, token, caFile: values.ca, proxy: values.proxy },
      engine: { pageSize: values['page-size'] ? Number(values['page-size']) : undefined, backoff: { initialMs: 1000, maxMs: 30_000 } },
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
        const progress = p ? ` ${p.records}${p.total ? `/${p.total}` : ''} records, ${p.perSecond}/s${p.etaSeconds !== null ? `, ETA ${Math.ceil(p.etaSeconds)} s` : ''}` : '';
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
