/**
 * Files the operator handed to the host for an import, by id: the page never names a path. The web host writes an
 * upload to a temporary file (removed once used or after an hour); the desktop host registers the path of a file
 * the operator dropped (the preload reads it from the File object; the file stays where it is).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { BridgeError } from '../../shared/bridge/contract';

interface Upload {
  path: string;
  /** A temporary copy the host made, removed once used. */
  temporary: boolean;
  at: number;
}

const MAX_AGE_MS = 60 * 60_000;

export class Uploads {
  private readonly files = new Map<string, Upload>();

  constructor(private readonly now: () => number = Date.now) {}

  add(path: string, temporary: boolean): string {
    this.prune();
    const id = randomUUID();
    this.files.set(id, { path, temporary, at: this.now() });
    return id;
  }

  /** The file of an upload, once: a second use of the same id is refused. */
  take(id: string): { path: string; done: () => void } {
    const upload = this.files.get(id);
    if (!upload) throw new BridgeError({ code: 'invalid_payload', message: 'The file was not received by the app (or was already used): drop it again.' });
    this.files.delete(id);
    return { path: upload.path, done: () => upload.temporary && rmSync(upload.path, { force: true }) };
  }

  private prune() {
    for (const [id, upload] of this.files) {
      if (this.now() - upload.at < MAX_AGE_MS) continue;
      this.files.delete(id);
      if (upload.temporary) rmSync(upload.path, { force: true });
    }
  }
}
