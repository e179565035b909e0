import type { FastifyInstance } from 'fastify';
import {
  RUNTIME_SETTING_DEFAULTS,
  RUNTIME_SETTING_KEYS,
  RUNTIME_SETTINGS_SCHEMA,
  type RuntimeSettings,
  runtimeSettingsFrom,
} from '../../config/index.js';
import type { Database } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import '../access.js';
import { authErrors, errorRef } from '../schemas.js';

const settingsAnswer = {
  type: 'object',
  required: ['values', 'defaults', 'schema', 'changed'],
  properties: {
    values: {
      type: 'object',
      additionalProperties: true,
      description: 'Every known setting, stored or default',
    },
    defaults: { type: 'object', additionalProperties: true },
    schema: {
      type: 'object',
      additionalProperties: true,
      description: 'The JSON schema PUT validates against (types, ranges, descriptions)',
    },
    changed: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          updatedBy: { type: ['string', 'null'] },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      description: 'Who changed each stored setting last, and when',
    },
  },
} as const;

/**
 * The PUT body: the settings schema without its defaults, since fastify's ajv fills defaults
 * in and "change one setting" would become "reset all the others".
 */
const changeSchema = {
  ...RUNTIME_SETTINGS_SCHEMA,
  minProperties: 1,
  properties: Object.fromEntries(
    Object.entries(RUNTIME_SETTINGS_SCHEMA.properties).map(([key, { default: _default, ...rule }]) => [
      key,
      rule,
    ]),
  ),
};

/** GET/PUT /api/v1/settings: the runtime settings of core/config/runtime-settings.ts, for admins. */
export async function settingsRoutes(app: FastifyInstance, opts: { db: Database; events: EventRecorder }) {
  async function answer() {
    const stored = await opts.db.settings.some(RUNTIME_SETTING_KEYS);
    return {
      values: runtimeSettingsFrom(Object.fromEntries(stored.map((s) => [s.key, s.value]))),
      defaults: RUNTIME_SETTING_DEFAULTS,
      schema: RUNTIME_SETTINGS_SCHEMA,
      changed: Object.fromEntries(
        stored.map((s) => [s.key, { updatedBy: s.updatedBy, updatedAt: s.updatedAt }]),
      ),
    };
  }

  app.get(
    '/api/v1/settings',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Runtime settings with their defaults and schema',
        response: { 200: settingsAnswer, ...authErrors },
      },
    },
    answer,
  );

  app.put<{ Body: Partial<RuntimeSettings> }>(
    '/api/v1/settings',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Change some runtime settings (the keys given; the others stay)',
        body: changeSchema,
        response: { 200: settingsAnswer, 400: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const change = request.body;
      await opts.db.settings.setMany(change, request.caller!.name);
      await opts.events.record({
        type: 'settings',
        subtype: 'changed',
        severity: 'info',
        component: 'api',
        message: `settings changed by ${request.caller!.name}: ${Object.entries(change)
          .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
          .join(', ')}`,
        metadata: { change, by: request.caller!.name },
      });
      return answer();
    },
  );
}
