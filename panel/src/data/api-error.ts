/**
 * Every failed API call becomes an ApiError: the core's `{error: {code, message, details}}`
 * when it answered one, else a code the panel names itself (`network_error`, `bad_response`).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly method: string,
    readonly path: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Offline, DNS, a dropped connection: worth retrying later, not a bug to report. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/** Reads a non-2xx answer into an ApiError; a body that is not the documented shape still yields one. */
export async function errorFromResponse(res: Response, method: string, path: string): Promise<ApiError> {
  let body: ErrorBody | null;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    body = null;
  }
  const err = body?.error;
  const code = typeof err?.code === 'string' ? err.code : `http_${res.status}`;
  const message =
    typeof err?.message === 'string'
      ? err.message
      : `${method} ${path} answered ${res.status} ${res.statusText}`;
  return new ApiError(res.status, code, message, method, path, err?.details);
}
