import type { SeverityRating } from '../sdk/index.js';

/**
 * pacman's repositories carry no severity and no security flag: every update is `unknown` and
 * not known to be a security fix (docs/plugins.md, Severity). Arch Linux security advisories
 * (ARCH_ASA_SEVERITY in the SDK, read by `arch-audit`) would be the source to rate them; none
 * is read yet.
 */
export const PACMAN_SEVERITY: SeverityRating = { severity: 'unknown', security: false };
