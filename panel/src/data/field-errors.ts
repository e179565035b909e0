import { ApiError } from './api-error.js';

/**
 * Turns a `validation_failed` answer (details: ajv errors, docs/api.md "Errors") into a message
 * per body field, so a form shows each next to its field. Errors about no one field, and every
 * other failure, go under `''`.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return { '': err instanceof Error ? err.message : String(err) };
  const out: Record<string, string> = {};
  const details = Array.isArray(err.details) ? (err.details as unknown[]) : [];
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const e = d as { instancePath?: unknown; message?: unknown; params?: Record<string, unknown> };
    const path = typeof e.instancePath === 'string' ? e.instancePath : '';
    const missing = typeof e.params?.missingProperty === 'string' ? e.params.missingProperty : null;
    const extra = typeof e.params?.additionalProperty === 'string' ? e.params.additionalProperty : null;
    const field = missing ?? (path.split('/').filter(Boolean)[0] || extra || '');
    const message = missing ? 'is required' : typeof e.message === 'string' ? e.message : 'is not valid';
    out[field] ??= message;
  }
  if (Object.keys(out).length === 0) out[''] = err.message;
  return out;
}
