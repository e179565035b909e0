import { definePlugin } from '../sdk/index.js';
import { createBridge } from './bridge.js';
import {
  configSchema,
  type HomeAssistantConfig,
  type HomeAssistantSecrets,
  secretsSchema,
} from './config.js';

/**
 * Home Assistant through MQTT discovery (issue 26 §1): every host a device with an update
 * entity for its packages, a scan button, pending and security sensors and online and reboot
 * binary sensors; every Docker container an update entity on its host's device; installs from
 * HA's update dialog through the install workflow. The core is an MQTT 5 client of HA's broker.
 */
export default definePlugin<HomeAssistantConfig, HomeAssistantSecrets>({
  name: 'homeassistant',
  version: '0.1.0',
  apiVersion: '^1.3.0',
  kind: 'integration',
  description: 'Every host and container as a Home Assistant device and update entity, over MQTT discovery',
  configSchema,
  secretsSchema,
  migrations: [
    {
      name: '001_devices',
      async up(db) {
        await db.query(`create table homeassistant_devices (
          agent_id text primary key,
          containers jsonb not null default '[]'::jsonb,
          updated_at timestamptz not null default now())`);
      },
    },
  ],
  create(ctx) {
    const bridge = createBridge(ctx);
    return {
      async start() {
        bridge.start();
      },
      async stop() {
        await bridge.stop();
      },
    };
  },
});
