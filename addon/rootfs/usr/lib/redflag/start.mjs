// The add-on's start script (issue 26 §2): reads the user's options, asks the Supervisor for
// Home Assistant's MQTT broker when discovery is on, keeps everything under /data, and runs
// the built core with ingress, in this same process. Plain Node (no dependencies): it runs
// before anything else.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

/* global fetch -- Node's own (Node ≥ 18) */

const env = process.env;
const optionsFile = env.REDFLAG_ADDON_OPTIONS_FILE ?? '/data/options.json';
const supervisor = env.REDFLAG_ADDON_SUPERVISOR_URL ?? 'http://supervisor';
const coreEntry = env.REDFLAG_ADDON_CORE ?? '/opt/redflag/dist/core/cli.js';
const cardFile = env.REDFLAG_ADDON_CARD ?? '/opt/redflag/dist/panel/dist/rf-card.js';
const haConfigDir = env.REDFLAG_ADDON_HA_CONFIG ?? '/homeassistant';

const log = (message) => process.stdout.write(`[redflag-addon] ${message}\n`);

function readOptions() {
  try {
    return JSON.parse(readFileSync(optionsFile, 'utf8'));
  } catch (err) {
    log(`cannot read ${optionsFile} (${err.message}); using the defaults`);
    return {};
  }
}

const authorization = `Bearer ${env.SUPERVISOR_TOKEN ?? ''}`;

/** A Supervisor API answer's data: its own answers wrap it (`{result, data}`), HA's do not. */
async function supervisorGet(path) {
  const res = await fetch(`${supervisor}${path}`, { headers: { authorization } });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  const body = await res.json();
  return body && typeof body === 'object' && 'data' in body && 'result' in body ? body.data : body;
}

/** The Supervisor's MQTT service: {host, port, ssl, username, password, protocol}; null when none. */
async function mqttService() {
  const data = await supervisorGet('/services/mqtt').catch((err) => {
    log(`the Supervisor has no MQTT service (${err.message}): install the Mosquitto add-on for discovery`);
    return null;
  });
  if (!data) return null;
  if (typeof data.host !== 'string' || !Number.isInteger(data.port)) {
    log('the Supervisor answered /services/mqtt without a host and port');
    return null;
  }
  // `protocol` says 3.1.1 and is ignored: the core speaks MQTT 5 to HA's broker.
  return data;
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+/;

/**
 * Where Home Assistant's users open this add-on's panel: HA's own page for it,
 * `<ha>/hassio/ingress/<slug>`, for the entities' links into the panel (an update entity's
 * `release_url` must be a full http(s) address). HA's address: the user's option, else HA's
 * external then internal URL (the external one also works away from home), else HA's name on
 * the network and its port. Null when the Supervisor cannot say: the entities carry no link.
 */
async function panelPage(options) {
  try {
    const self = await supervisorGet('/addons/self/info');
    if (typeof self?.slug !== 'string') throw new Error('/addons/self/info has no slug');
    const base = await homeAssistantAddress(options);
    return `${base.replace(/\/+$/, '')}/hassio/ingress/${self.slug}`;
  } catch (err) {
    log(`the entities get no link into the panel: ${err.message}`);
    return null;
  }
}

async function homeAssistantAddress(options) {
  const own = options.home_assistant_url;
  if (typeof own === 'string' && HTTP_URL.test(own)) return own;
  const config = await supervisorGet('/core/api/config').catch(() => null);
  for (const url of [config?.external_url, config?.internal_url])
    if (typeof url === 'string' && HTTP_URL.test(url)) return url;
  const [host, core] = await Promise.all([supervisorGet('/info'), supervisorGet('/core/info')]);
  if (typeof host?.hostname !== 'string' || !Number.isInteger(core?.port))
    throw new Error('the Supervisor names no host name and port for Home Assistant');
  return `${core.ssl ? 'https' : 'http'}://${host.hostname}.local:${core.port}`;
}

/**
 * The Lovelace card where Home Assistant serves it itself, `/local/redflag/rf-card.js`
 * (docs/panel.md): the ingress URL needs an ingress session cookie a dashboard resource does
 * not have, and a port of the add-on's own would be plain http beside an https HA. Copied at
 * every start, so the card always matches the core.
 */
function publishCard() {
  if (!existsSync(haConfigDir) || !existsSync(cardFile)) {
    log(`the Lovelace card is not copied: ${existsSync(cardFile) ? haConfigDir : cardFile} is missing`);
    return;
  }
  try {
    const www = join(haConfigDir, 'www', 'redflag');
    mkdirSync(www, { recursive: true });
    copyFileSync(cardFile, join(www, 'rf-card.js'));
    log('the Lovelace card is at /local/redflag/rf-card.js (add it as a dashboard resource)');
  } catch (err) {
    log(`cannot copy the Lovelace card into ${haConfigDir}/www: ${err.message}`);
  }
}

publishCard();
const options = readOptions();
const settings = {
  // Ingress: the Supervisor proxies the panel to this port and names the user in headers.
  REDFLAG_HTTP_PORT: '8099',
  REDFLAG_AUTH_INGRESS_ENABLED: 'true',
  REDFLAG_BROKER_PORT: '1885',
  REDFLAG_DATA_DIR: '/data/redflag',
  REDFLAG_LOG_LEVEL: typeof options.log_level === 'string' ? options.log_level : 'info',
  ...(typeof options.database_url === 'string' && options.database_url
    ? { REDFLAG_DATABASE_URL: options.database_url }
    : {}),
};

if (options.discovery !== false) {
  const service = await mqttService().catch((err) => {
    log(`cannot reach the Supervisor: ${err.message}`);
    return null;
  });
  if (service) {
    const scheme = service.ssl ? 'mqtts' : 'mqtt';
    const panelUrl = await panelPage(options);
    settings.REDFLAG_PLUGINS_ENABLED = JSON.stringify(['homeassistant']);
    settings.REDFLAG_PLUGINS_CONFIG = JSON.stringify({
      homeassistant: {
        brokerUrl: `${scheme}://${service.host}:${service.port}`,
        clientId: 'redflag-addon',
        allowInstall: options.allow_install !== false,
        ...(panelUrl ? { panelUrl } : {}),
      },
    });
    settings.REDFLAG_PLUGINS_SECRETS = JSON.stringify({
      homeassistant: {
        ...(service.username ? { username: service.username } : {}),
        ...(service.password ? { password: service.password } : {}),
      },
    });
    log(`MQTT discovery through ${scheme}://${service.host}:${service.port}`);
    if (panelUrl) log(`the entities link into the panel at ${panelUrl}`);
  }
}

// What the environment already says wins (tests, and users who know what they do).
for (const [name, value] of Object.entries(settings)) env[name] ??= value;
// The core runs in this process, not a child: a second Node process would hold about 40 MB of
// a small box only to forward signals (issue 26, docs/decisions.md). Node's flags for the core
// are on the `exec node` line of the s6 run script.
process.argv = [process.argv[0], coreEntry, 'serve'];
await import(pathToFileURL(coreEntry).href);
