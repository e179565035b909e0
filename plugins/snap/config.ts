/** The snap plugin's settings (the agent config's `plugins.snap` section). */
export interface SnapConfig {
  /** Listing updates (which asks the store) and installed snaps. */
  commandTimeoutSeconds: number;
  installTimeoutSeconds: number;
}

export const snapConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    commandTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300 },
    installTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 3_600 },
  },
} as const;
