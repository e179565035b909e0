import { envelopeProperties, envelopeRequired, openObject, pluginName } from './common.js';

export const MIN_SCAN_INTERVAL_SEC = 60;
export const MAX_SCAN_INTERVAL_SEC = 86400;

/** One plugin's scan schedule, in `config` and in a `set_config` command's params. */
export const scanScheduleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'intervalSeconds'],
  properties: {
    enabled: { type: 'boolean' },
    intervalSeconds: { type: 'integer', minimum: MIN_SCAN_INTERVAL_SEC, maximum: MAX_SCAN_INTERVAL_SEC },
  },
} as const;

/**
 * `down/config`, retained: the agent's desired scan schedules and plugin settings, whole (not a
 * patch). Plugins it does not name keep the agent's defaults. Unsigned, so it carries nothing
 * that could make an agent run something new: that goes through a signed `set_config` command.
 */
export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'config',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'revision', 'schedules', 'pluginSettings'],
  properties: {
    ...envelopeProperties,
    revision: { type: 'integer', minimum: 1, description: 'Increases with every change; echoed in hello.' },
    schedules: {
      type: 'object',
      maxProperties: 64,
      propertyNames: pluginName,
      additionalProperties: scanScheduleSchema,
    },
    pluginSettings: {
      type: 'object',
      maxProperties: 64,
      propertyNames: pluginName,
      additionalProperties: openObject,
    },
  },
} as const;
