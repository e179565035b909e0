import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createValidatorAjv } from '../../broker/protocol/index.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** A PNG's size from its IHDR, the chunk that must come first after the signature. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(new URL(`../../${path}`, import.meta.url));
  assert.deepEqual(
    [...bytes.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    `${path} is a PNG`,
  );
  assert.equal(bytes.toString('ascii', 12, 16), 'IHDR', `${path} starts with its header`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Issue 26 §2: the add-on's manifest against the documented keys and types. */
describe('addon/config.yaml', () => {
  const manifest = parse(read('addon/config.yaml')) as Record<string, unknown>;

  it('has only documented manifest keys, each of its documented type', () => {
    const ajv = createValidatorAjv({ allErrors: true, strict: false });
    const valid = ajv.compile(
      JSON.parse(read('test/fixtures/homeassistant/addon-config.schema.json')) as object,
    );
    assert.ok(valid(manifest), ajv.errorsText(valid.errors));
  });

  it('runs under s6-overlay v3 with ingress, wants the MQTT service and keeps its data', () => {
    assert.equal(manifest.init, false);
    assert.equal(manifest.ingress, true);
    assert.deepEqual(manifest.arch, ['aarch64', 'amd64']);
    assert.deepEqual(manifest.services, ['mqtt:want']);
    // HA's config too, for the Lovelace card under www/ (served at /local/, docs/panel.md).
    assert.deepEqual(manifest.map, [{ type: 'data' }, { type: 'homeassistant_config', read_only: false }]);
  });

  it('gives the agents a port the Mosquitto add-on does not use', () => {
    const ports = Object.keys(manifest.ports as object).map((p) => Number(p.split('/')[0]));
    for (const taken of [1883, 1884, 8883, 8884])
      assert.ok(!ports.includes(taken), `${taken} is Mosquitto's`);
    const start = read('addon/rootfs/usr/lib/redflag/start.mjs');
    assert.match(
      start,
      new RegExp(`REDFLAG_BROKER_PORT: '${ports[0]}'`),
      'the core listens where the manifest says',
    );
    assert.match(
      start,
      new RegExp(`REDFLAG_HTTP_PORT: '${String(manifest.ingress_port)}'`),
      'and serves ingress there',
    );
  });

  it('has a schema entry for every setting, a default for each required one, each explained in DOCS.md and the translation', () => {
    const schema = manifest.schema as Record<string, string>;
    const defaults = Object.keys(manifest.options as object);
    for (const option of defaults) assert.ok(option in schema, `${option} has a schema entry`);
    // An optional setting (`?`) has no default: the Supervisor checks a value it is given
    // against its type, and an empty `url` is not one.
    for (const [option, type] of Object.entries(schema))
      assert.equal(defaults.includes(option), !type.endsWith('?') || type.startsWith('str'), option);
    const docs = read('addon/DOCS.md');
    const translation = parse(read('addon/translations/en.yaml')) as {
      configuration: Record<string, unknown>;
    };
    for (const option of Object.keys(schema)) {
      assert.match(docs, new RegExp(`^### \`${option}\`$`, 'm'), `DOCS.md has a section for ${option}`);
      assert.ok(translation.configuration[option], `translations/en.yaml names ${option}`);
    }
    const repository = parse(read('repository.yaml')) as Record<string, unknown>;
    assert.equal(typeof repository.name, 'string');
  });

  it('has the store’s icon and logo, PNGs of the sizes Home Assistant documents', () => {
    // developers.home-assistant.io "App presentation": icon.png square, 128 × 128; logo.png 250 × 100.
    assert.deepEqual(pngSize('addon/icon.png'), { width: 128, height: 128 });
    assert.deepEqual(pngSize('addon/logo.png'), { width: 250, height: 100 });
  });
});
