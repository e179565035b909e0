/**
 * Runtime settings: what an admin changes from the panel while the core runs, stored in the
 * `settings` table (config.yaml holds what is needed to start). Only keys listed here are read
 * or written through the API; the table's other rows (the config revision, the setup token's
 * hash) are the core's own and never leave it. No secret belongs here.
 */
export const RUNTIME_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    'retention.commandDays': {
      type: 'integer',
      minimum: 1,
      maximum: 3650,
      default: 90,
      description: 'Finished commands (and their output) older than this many days are deleted',
    },
    'retention.eventDays': {
      type: 'integer',
      minimum: 1,
      maximum: 3650,
      default: 365,
      description: 'System events older than this many days are deleted',
    },
    'retention.clientErrorDays': {
      type: 'integer',
      minimum: 1,
      maximum: 3650,
      default: 30,
      description: 'Errors the panel reported are deleted after this many days',
    },
  },
} as const;

export type RuntimeSettingKey = keyof typeof RUNTIME_SETTINGS_SCHEMA.properties;
export type RuntimeSettings = Record<RuntimeSettingKey, number>;

export const RUNTIME_SETTING_KEYS = Object.keys(RUNTIME_SETTINGS_SCHEMA.properties) as RuntimeSettingKey[];

export const RUNTIME_SETTING_DEFAULTS = Object.fromEntries(
  RUNTIME_SETTING_KEYS.map((k) => [k, RUNTIME_SETTINGS_SCHEMA.properties[k].default]),
) as RuntimeSettings;

/** Stored values over the defaults; a stored value that no longer fits the schema falls back to its default. */
export function runtimeSettingsFrom(stored: Record<string, unknown>): RuntimeSettings {
  const values = { ...RUNTIME_SETTING_DEFAULTS };
  for (const key of RUNTIME_SETTING_KEYS) {
    const v = stored[key];
    const rule = RUNTIME_SETTINGS_SCHEMA.properties[key];
    if (Number.isInteger(v) && (v as number) >= rule.minimum && (v as number) <= rule.maximum)
      values[key] = v as number;
  }
  return values;
}
