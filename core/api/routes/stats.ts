import type { FastifyInstance } from 'fastify';
import { type Database, SEVERITIES } from '../../db/index.js';
import '../access.js';
import { authErrors } from '../schemas.js';

const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;

export const statsSchema = {
  type: 'object',
  required: ['pending', 'byStatus', 'byPlugin', 'agents', 'failedCommands', 'daily'],
  properties: {
    pending: {
      type: 'object',
      description:
        'Updates still to install, over the whole fleet, by severity; total and security over the same',
      required: [...SEVERITIES, 'total', 'security'],
      properties: Object.fromEntries(
        [...SEVERITIES, 'total', 'security'].map((k) => [k, { type: 'integer' }]),
      ),
    },
    byStatus: { ...counts, description: 'Every package state by status' },
    byPlugin: { ...counts, description: 'Updates still to install, by plugin' },
    agents: {
      type: 'object',
      required: ['total', 'online', 'offline', 'revoked', 'rebootRequired'],
      properties: {
        total: { type: 'integer', description: 'active agents' },
        online: { type: 'integer' },
        offline: { type: 'integer' },
        revoked: { type: 'integer' },
        rebootRequired: { type: 'integer' },
      },
    },
    failedCommands: {
      type: 'object',
      required: ['recentHours', 'count'],
      properties: { recentHours: { type: 'integer' }, count: { type: 'integer' } },
    },
    daily: {
      type: 'array',
      description: 'One point per UTC day, oldest first, today last',
      items: {
        type: 'object',
        required: ['day', 'open', 'discovered', 'installed', 'failed', 'resolved'],
        properties: {
          day: { type: 'string', format: 'date' },
          open: { type: 'integer', description: 'updates open at the end of the day' },
          discovered: { type: 'integer' },
          installed: { type: 'integer' },
          failed: { type: 'integer' },
          resolved: { type: 'integer' },
        },
      },
    },
  },
} as const;

export async function statsRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get<{ Querystring: { days: number; recentHours: number } }>(
    '/api/v1/stats',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['stats'],
        summary: 'Fleet-wide totals for the dashboard (the whole fleet, not a page) and a daily series',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            days: { type: 'integer', minimum: 1, maximum: 90, default: 30 },
            recentHours: { type: 'integer', minimum: 1, maximum: 720, default: 24 },
          },
        },
        response: { 200: statsSchema, ...authErrors },
      },
    },
    async (request) =>
      opts.db.stats.stats({ days: request.query.days, recentHours: request.query.recentHours }),
  );
}
