import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Dispatcher } from '../../commands/index.js';
import type { Database } from '../../db/index.js';
import {
  AGENT_BUNDLE_PATH,
  type AgentBundle,
  type AgentBundleProvider,
  agentUpdateParams,
  bundleManifest,
  installScript,
  type ServerKeyring,
} from '../../fleet/index.js';
import '../access.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { commandSchema } from './commands.js';
import { notFound } from '../errors.js';

export interface AgentInstallOptions {
  db: Database;
  keys: ServerKeyring;
  bundles: AgentBundleProvider;
  /** http.publicUrl; null: the URL the request came in on. */
  publicUrl: string | null;
  /** Absent when the resource routes are not served (tests of the public routes alone). */
  dispatcher?: Dispatcher;
}

const manifestSchema = {
  type: 'object',
  required: ['version', 'sha256', 'size', 'url', 'signatures'],
  properties: {
    version: { type: 'string' },
    sha256: { type: 'string' },
    size: { type: 'integer' },
    url: { type: 'string' },
    signatures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['keyId', 'publicKey', 'signature'],
        properties: {
          keyId: { type: 'string' },
          publicKey: { type: 'string' },
          signature: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * Installing and updating agents (docs/agent.md): `GET /install.sh`, the agent bundle and its
 * signed manifest, and `POST /api/v1/agents/:id/update`. The bundle and the script are public:
 * they hold no secret (the registration token is the secret, given on the host's command line),
 * a host installing or updating has no API credential, and what makes them safe to run is the
 * server key's signature, which install.sh and the agent check against the key they pin.
 */
export async function agentInstallRoutes(app: FastifyInstance, opts: AgentInstallOptions) {
  const bundleOr503 = async (reply: FastifyReply): Promise<AgentBundle | null> => {
    try {
      return await opts.bundles.ready();
    } catch (err) {
      await reply.status(503).send({
        error: {
          code: 'bundle_unavailable',
          message: `the agent bundle could not be built: ${(err as Error).message}`,
        },
      });
      return null;
    }
  };

  app.get(
    '/install.sh',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agents'],
        summary: 'The agent installer: curl -fsSL <core>/install.sh | sh -s -- --token <registration token>',
      },
    },
    async (request, reply) => {
      const url = opts.publicUrl ?? `${request.protocol}://${request.host}`;
      // text/plain: a browser shows it for reading; sh does not care.
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(installScript(url));
    },
  );

  app.get(
    '/api/v1/agent-bundle',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agents'],
        summary: 'The agent bundle: version, SHA-256 and the signature of every server key that verifies',
        response: { 200: manifestSchema, 503: errorRef },
      },
    },
    async (_request, reply) => {
      const bundle = await bundleOr503(reply);
      if (!bundle) return reply;
      return reply.header('cache-control', 'no-cache').send(bundleManifest(bundle, opts.keys));
    },
  );

  app.get(
    AGENT_BUNDLE_PATH,
    {
      config: { access: 'public' },
      schema: { tags: ['agents'], summary: 'The agent bundle itself (one ES module file for Node.js >= 18)' },
    },
    async (_request, reply) => {
      const bundle = await bundleOr503(reply);
      if (!bundle) return reply;
      return reply
        .type('text/javascript; charset=utf-8')
        .header('etag', `"${bundle.sha256}"`)
        .header('x-redflag-agent-version', bundle.version)
        .send(bundle.code);
    },
  );

  const dispatcher = opts.dispatcher;
  if (!dispatcher) return;
  app.post<{ Params: { id: string }; Body: { connectTimeoutSeconds?: number; ttlSeconds?: number } }>(
    '/api/v1/agents/:id/update',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary:
          "Update the agent to the core's bundle (an update_agent command with the bundle's hash and signature)",
        description:
          'The agent downloads the bundle, checks its signature and SHA-256, swaps it in keeping the previous one, ' +
          'restarts, and rolls back by itself when the new version has not connected within connectTimeoutSeconds. ' +
          'The command result says which: updated, refused or rolled back.',
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            connectTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600 },
            ttlSeconds: { type: 'integer', minimum: 10, maximum: 2_592_000 },
          },
        },
        response: { 201: commandSchema, 404: errorRef, 409: errorRef, 503: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      const agent = await opts.db.agents.findById(request.params.id);
      if (!agent || agent.status !== 'active')
        return reply.status(404).send(notFound('active agent', request.params.id));
      const bundle = await bundleOr503(reply);
      if (!bundle) return reply;
      const params = agentUpdateParams(bundle, opts.keys, request.body?.connectTimeoutSeconds);
      const { command, created } = await dispatcher.issue({
        agentId: agent.id,
        type: 'update_agent',
        params: params as unknown as Record<string, unknown>,
        ttlSeconds: request.body?.ttlSeconds,
        createdBy: request.caller!.name,
        dedupKey: 'update_agent',
      });
      if (created) return reply.status(201).send(command);
      return reply.status(409).send({
        error: {
          code: 'duplicate_command',
          message: `an update_agent command for this agent is already ${command.status}: ${command.id}`,
          details: { commandId: command.id },
        },
      });
    },
  );
}
