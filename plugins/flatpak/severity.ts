import type { SeverityRating } from '../sdk/index.js';

/**
 * Flatpak remotes publish no severity and no security flag (appstream release notes are free
 * text): every update is `unknown` and not known to be a security fix (docs/plugins.md, Severity).
 */
export const FLATPAK_SEVERITY: SeverityRating = { severity: 'unknown', security: false };
