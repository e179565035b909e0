import type { FastifyInstance } from 'fastify';
import type { Database, MaintenanceWindow } from '../../db/index.js';
import type { PolicyService } from '../../policy/index.js';
import '../access.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';
import { policyRefused } from './policies.js';

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  weekdays: {
    type: 'array',
    minItems: 1,
    maxItems: 7,
    uniqueItems: true,
    items: { type: 'integer', minimum: 0, maximum: 6 },
    description: '0 = Sunday … 6 = Saturday, in the window’s time zone',
  },
  startTime: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM' },
  endTime: {
    type: 'string',
    pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    description: 'HH:MM; before startTime: the window runs past midnight',
  },
  timezone: {
    type: 'string',
    minLength: 1,
    maxLength: 64,
    description: 'IANA time zone, e.g. Europe/Berlin',
  },
  agentLabel: {
    type: ['string', 'null'],
    minLength: 1,
    maxLength: 64,
    description: 'Only agents with this label; null: every agent',
  },
  enabled: { type: 'boolean' },
} as const;

export const windowSchema = {
  type: 'object',
  required: ['id', 'name', 'weekdays', 'startTime', 'endTime', 'timezone', 'agentLabel', 'enabled'],
  properties: { id: { type: 'string', format: 'uuid' }, ...fields },
} as const;

type WindowBody = Omit<MaintenanceWindow, 'id' | 'enabled'>;

/**
 * Maintenance windows: installs on the agents a window applies to start only while one is open.
 * Operators manage them (they decide when installs run, not what is installed).
 */
export async function maintenanceWindowRoutes(
  app: FastifyInstance,
  opts: { db: Database; policy: PolicyService },
) {
  app.get(
    '/api/v1/maintenance-windows',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['policies'],
        summary: 'Maintenance windows, disabled ones too',
        response: { 200: { type: 'array', items: windowSchema }, ...authErrors },
      },
    },
    () => opts.db.policies.allWindows(),
  );

  app.post<{ Body: WindowBody }>(
    '/api/v1/maintenance-windows',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Add a maintenance window',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'weekdays', 'startTime', 'endTime'],
          properties: {
            name: fields.name,
            weekdays: fields.weekdays,
            startTime: fields.startTime,
            endTime: fields.endTime,
            timezone: { ...fields.timezone, default: 'UTC' },
            agentLabel: { ...fields.agentLabel, default: null },
          },
        },
        response: { 201: windowSchema, 400: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      try {
        return reply.status(201).send(await opts.policy.addWindow(request.body, request.caller!.name));
      } catch (err) {
        return policyRefused(reply, err);
      }
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<Omit<MaintenanceWindow, 'id'>> }>(
    '/api/v1/maintenance-windows/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Change a maintenance window (any of its fields)',
        params: uuidParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields },
        response: { 200: windowSchema, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      try {
        const saved = await opts.policy.updateWindow(request.params.id, request.body, request.caller!.name);
        return saved ?? reply.status(404).send(notFound('maintenance window', request.params.id));
      } catch (err) {
        return policyRefused(reply, err);
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/maintenance-windows/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['policies'],
        summary: 'Remove a maintenance window',
        params: uuidParams,
        response: { 204: { type: 'null' }, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      if (!(await opts.policy.removeWindow(request.params.id, request.caller!.name)))
        return reply.status(404).send(notFound('maintenance window', request.params.id));
      return reply.status(204).send();
    },
  );
}
