/**
 * The plugin API this RedFlag provides. A plugin declares the semver range it was written
 * against (`apiVersion: '^1.0.0'`); the host refuses it when this version is outside the range.
 * Bump the minor for additions, the major for anything that breaks an existing plugin.
 */
export const PLUGIN_API_VERSION = '1.3.0';
