/**
 * A failed import request in words. The host passes the central service's own sentence (Chinese, saying what to do)
 * as the message: a refused token, the service not answering, or an import refused (409: errors left, warnings not
 * accepted, already written).
 */
import type { BridgeError } from '../../../shared/bridge/contract';

type T = (key: string, values?: Record<string, unknown>) => string;

export function importErrorText(t: T, error: BridgeError): string {
  const detail = error.message;
  switch (error.code) {
    case 'unauthorized':
    case 'forbidden':
      return t('imports.errors.token', { detail });
    case 'unavailable':
      return t('imports.errors.unavailable', { detail });
    case 'invalid_payload':
      return t('imports.errors.refused', { detail });
    default:
      return t(`errors.${error.code}`, { detail });
  }
}
