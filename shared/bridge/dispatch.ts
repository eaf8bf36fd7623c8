/**
 * Host side of the bridge, shared by both transports: validate the request, run the handler, validate the reply.
 * A handler's own failure becomes an 'internal' error with no stack trace; the host logs the details.
 */
import { BridgeError, invalid, isRequestName, requests, type BridgeErrorBody, type BridgeHandlers, type RequestName } from './contract';

export type DispatchResult = { ok: true; reply: unknown } | { ok: false; error: BridgeErrorBody };

export async function dispatch(
  handlers: BridgeHandlers,
  name: unknown,
  payload: unknown,
  onInternalError: (name: string, error: unknown) => void = () => {},
): Promise<DispatchResult> {
  if (!isRequestName(name)) {
    return {
      ok: false,
      error: {
        code: 'unknown_request',
        message:
          typeof name === 'string'
            ? `There is no bridge request named "${name.slice(0, 80)}".`
            : `A bridge request name must be text, not ${name === null ? 'null' : typeof name}.`,
      },
    };
  }
  const spec = requests[name];
  const parsed = spec.payload.safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, error: invalid('invalid_payload', `Request "${name}" was refused`, parsed.error).toBody() };
  try {
    const handler = handlers[name] as (p: unknown) => Promise<unknown>;
    const reply = await handler(parsed.data);
    return { ok: true, reply };
  } catch (error) {
    if (error instanceof BridgeError) return { ok: false, error: error.toBody() };
    onInternalError(name, error);
    return { ok: false, error: { code: 'internal', message: `Request "${name}" failed inside the host; see the host log.` } };
  }
}

export type { RequestName };
