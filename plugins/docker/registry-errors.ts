/**
 * Why one image could not be checked. Each is reported for that image alone: the scan goes
 * on (issue 24 §3).
 */
export type RegistryFailure =
  | 'unauthorized'
  | 'not-found'
  | 'rate-limited'
  | 'bad-answer'
  | 'too-large'
  | 'unreachable'
  | 'registry-error';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly failure: RegistryFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
