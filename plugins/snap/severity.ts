import type { SeverityRating } from '../sdk/index.js';

/**
 * The snap store publishes no severity and no security flag for a refresh: every update is
 * `unknown` and not known to be a security fix (docs/plugins.md, Severity).
 */
export const SNAP_SEVERITY: SeverityRating = { severity: 'unknown', security: false };
