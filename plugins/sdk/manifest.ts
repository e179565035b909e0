export const PLUGIN_KINDS = ['package-manager', 'integration', 'notifier'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** A JSON schema (draft-07, as ajv reads it) describing a plugin's config object. */
export type JsonSchema = Record<string, unknown>;

/** What the host checks before it creates a plugin. */
export interface PluginManifest {
  /** Unique, lower case: `apt`, `notify-ntfy`. Also the key of its config section and log prefix. */
  name: string;
  /** The plugin's own version (semver). */
  version: string;
  /** The range of plugin API versions it works with (`^1.0.0`); see PLUGIN_API_VERSION. */
  apiVersion: string;
  kind: PluginKind;
  description?: string;
  /** Schema of the plugin's config; `default`s are filled in. Absent: the plugin takes no config. */
  configSchema?: JsonSchema;
  /**
   * Core plugins: schema of its secrets (API tokens, passwords), given apart from its config so
   * they are never shown or logged. Absent: the plugin takes no secrets.
   */
  secretsSchema?: JsonSchema;
}

/** The manifest as a JSON schema: a plugin built against another SDK copy is checked the same way. */
export const manifestSchema = {
  type: 'object',
  required: ['name', 'version', 'apiVersion', 'kind'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
    version: { type: 'string', minLength: 1 },
    apiVersion: { type: 'string', minLength: 1 },
    kind: { enum: [...PLUGIN_KINDS] },
    description: { type: 'string' },
    configSchema: { type: 'object' },
    secretsSchema: { type: 'object' },
    migrations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'up'],
        properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,120}$' } },
      },
    },
  },
} as const;
