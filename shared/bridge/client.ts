/**
 * Renderer side of the bridge, transport-agnostic: send a request, validate the reply; validate every push
 * before a listener sees it. A push that fails validation is dropped and reported, never delivered half-formed.
 */
import { z } from 'zod';
import {
  BridgeError,
  BridgeErrorBody,
  invalid,
  isPushName,
  isRequestName,
  pushes,
  requests,
  type Payload,
  type Push,
  type PushName,
  type Reply,
  type RequestName,
} from './contract';

/** What a transport does: carry raw JSON-able values. It knows nothing of the contract. */
export interface Transport {
  readonly kind: 'electron' | 'web';
  /** Resolves with the host's raw reply or rejects with a BridgeErrorBody-shaped value (or any error). */
  request(name: RequestName, payload: unknown): Promise<unknown>;
  /**
   * Hands a file (a DOM File) to the host for an import; resolves with the upload id, or rejects like request.
   * Web: POST /bridge/upload with the file as the body; desktop: the preload passes the file's path to main.
   */
  upload?(file: FileBlob): Promise<unknown>;
  /** Calls back with every raw push; returns an unsubscribe function. */
  onPush(listener: (name: string, payload: unknown) => void): () => void;
  /** Calls back when the link to the host goes up or down. */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Ends the link for good (tests, page unload). */
  close?(): void;
}

export interface BridgeClient {
  readonly kind: Transport['kind'];
  request<N extends RequestName>(name: N, payload: Payload<N>): Promise<Reply<N>>;
  on<N extends PushName>(name: N, listener: (payload: Push<N>) => void): () => void;
  /** A file for an import (the 导入 page): the host keeps it and answers the id import.start names it by. */
  upload(file: FileBlob): Promise<string>;
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** A DOM Blob or File, as this layer (no DOM types) sees it. */
export interface FileBlob {
  readonly size: number;
}

const UploadReply = z.object({ upload: z.string().uuid() });

function toBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  const body = BridgeErrorBody.safeParse(error);
  if (body.success) return new BridgeError(body.data);
  const message = error instanceof Error ? error.message : String(error);
  return new BridgeError({ code: 'unavailable', message: `The host could not be reached: ${message}` });
}

export function createBridgeClient(transport: Transport, onBadPush: (name: string, error: BridgeError) => void = () => {}): BridgeClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.onPush((name, raw) => {
    if (!isPushName(name)) return onBadPush(String(name), new BridgeError({ code: 'unknown_request', message: `Unknown push "${String(name)}".` }));
    const parsed = (pushes[name] as z.ZodType).safeParse(raw);
    if (!parsed.success) return onBadPush(name, invalid('invalid_reply', `Push "${name}" was refused`, parsed.error));
    for (const listener of listeners.get(name) ?? []) listener(parsed.data);
  });

  return {
    kind: transport.kind,
    async request(name, payload) {
      if (!isRequestName(name)) throw new BridgeError({ code: 'unknown_request', message: `There is no bridge request named "${String(name).slice(0, 80)}".` });
      const spec = requests[name];
      // Validate on the way out too: a malformed call fails here with the same error the host would give.
      const out = spec.payload.safeParse(payload);
      if (!out.success) throw invalid('invalid_payload', `Request "${name}" was refused`, out.error);
      let raw: unknown;
      try {
        raw = await transport.request(name, out.data);
      } catch (error) {
        throw toBridgeError(error);
      }
      const reply = (spec.reply as z.ZodType).safeParse(raw);
      if (!reply.success) throw invalid('invalid_reply', `The reply to "${name}" was refused`, reply.error);
      return reply.data as Reply<typeof name>;
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    async upload(file) {
      if (!transport.upload) throw new BridgeError({ code: 'unknown_request', message: 'This host takes no files.' });
      let raw: unknown;
      try {
        raw = await transport.upload(file);
      } catch (error) {
        throw toBridgeError(error);
      }
      const reply = UploadReply.safeParse(raw);
      if (!reply.success) throw invalid('invalid_reply', 'The answer to a file upload was refused', reply.error);
      return reply.data.upload;
    },
    onConnection: (listener) => transport.onConnection(listener),
  };
}
