/**
 * Starting the core's worker threads (the sync thread, the cache's checkpointer, the read threads): all run one
 * entry, core/worker.ts, which loads only the modules of the role its workerData names.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** The entry next to this file: worker.ts under tsx/vitest, core-worker.js next to the Electron bundle. */
export function defaultWorkerUrl(): URL {
  const here = new URL(import.meta.url);
  return new URL(here.pathname.endsWith('.ts') ? './worker.ts' : './core-worker.js', here);
}

/** From sources (tsx, vitest) the entry is TypeScript: tsx is registered inside the thread first (threads do not inherit the parent's module hooks). */
export function startWorker(workerData: unknown, options: { url?: URL; resourceLimits?: ResourceLimits } = {}): Worker {
  const url = options.url ?? defaultWorkerUrl();
  return url.pathname.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`, {
        eval: true,
        workerData,
        resourceLimits: options.resourceLimits,
      })
    : new Worker(url, { workerData, resourceLimits: options.resourceLimits });
}
