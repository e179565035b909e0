import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { configSchema, type RedflagConfig } from './schema.js';
import { configLeaves, envNameFor, type SchemaNode } from './schema-walk.js';
import { formatValidationError, validateConfig } from './validate.js';

/** A configuration problem; start-up prints `message` as one line and exits with code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** Path of config.yaml; when not given, ./config.yaml is used if it exists. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** The Home Assistant add-on options file, overlaid when it exists. */
  addonOptionsPath?: string;
  /** Command-line flags, as dotted path → value, with the flag name for error messages. */
  flags?: Array<{ path: string; value: unknown; flag: string }>;
}

export interface LoadedConfig {
  config: RedflagConfig;
  /** Dotted key path → where its value came from (file name, variable or flag). */
  origins: Map<string, string>;
  configPath: string | null;
}

type Tree = Record<string, unknown>;

const DEFAULT_ADDON_OPTIONS = '/data/options.json';
/**
 * Add-on options the add-on's start script turns into settings of its own (addon/rootfs,
 * issue 26 §2: MQTT discovery through the Supervisor's broker); not keys of config.yaml.
 */
const ADDON_SCRIPT_OPTIONS = new Set(['discovery', 'allow_install']);
const leaves = configLeaves(configSchema as SchemaNode);

/**
 * Layers, each overriding the one before: schema defaults, config.yaml, the add-on's
 * /data/options.json, REDFLAG_* variables, command-line flags. Every value remembers its
 * origin so an error line can name the file or variable the user has to fix.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const raw: Tree = {};
  const origins = new Map<string, string>();

  const configPath = options.configPath ?? (existsSync('config.yaml') ? 'config.yaml' : null);
  if (configPath !== null) mergeInto(raw, readYamlFile(configPath), [], basename(configPath), origins);

  const addonPath = options.addonOptionsPath ?? DEFAULT_ADDON_OPTIONS;
  if (existsSync(addonPath))
    mergeInto(raw, addonOptionsToTree(readJsonFile(addonPath)), [], addonPath, origins);

  for (const leaf of leaves) {
    const name = envNameFor(leaf.path);
    const text = env[name];
    if (text === undefined) continue;
    setPath(raw, leaf.path, coerceEnvValue(text, leaf.schema));
    origins.set(leaf.path.join('.'), name);
  }

  for (const { path, value, flag } of options.flags ?? []) {
    setPath(raw, path.split('.'), value);
    origins.set(path, flag);
  }

  const errors = validateConfig(raw);
  if (errors) throw new ConfigError(formatValidationError(errors[0]!, raw, origins, configPath));
  return { config: raw as unknown as RedflagConfig, origins, configPath };
}

function readYamlFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `${path}: cannot read the configuration file (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const where = err.linePos?.[0] ? `line ${err.linePos[0].line}, column ${err.linePos[0].col}: ` : '';
      throw new ConfigError(`${basename(path)}: ${where}${err.message.split('\n')[0]}`);
    }
    throw err;
  }
  if (doc === null || doc === undefined) return {};
  if (!isTree(doc)) throw new ConfigError(`${basename(path)}: the file must be a mapping of settings`);
  return doc;
}

function readJsonFile(path: string): Tree {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!isTree(doc)) throw new ConfigError(`${path}: must be a JSON object`);
  return doc;
}

/**
 * Home Assistant add-on options are flat snake_case (`http_port`, `log_level`) because the
 * add-on UI shows one form; nested objects are accepted too.
 */
function addonOptionsToTree(options: Tree): Tree {
  const tree: Tree = {};
  for (const [key, value] of Object.entries(options)) {
    if (ADDON_SCRIPT_OPTIONS.has(key)) continue;
    const leaf = leaves.find((l) => envNameFor(l.path) === `REDFLAG_${key.toUpperCase()}`);
    if (leaf) setPath(tree, leaf.path, value === '' ? null : value);
    else tree[key] = value;
  }
  return tree;
}

/** Environment values are text; turn them into the leaf's type when they clearly are one. */
function coerceEnvValue(text: string, schema: SchemaNode): unknown {
  const types = typeof schema.type === 'string' ? [schema.type] : [...(schema.type ?? [])];
  if (text === '' && types.includes('null')) return null;
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(text))
    return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (
    (types.includes('array') && text.startsWith('[')) ||
    (types.includes('object') && text.startsWith('{'))
  ) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function mergeInto(
  target: Tree,
  source: Tree,
  prefix: string[],
  origin: string,
  origins: Map<string, string>,
) {
  for (const [key, value] of Object.entries(source)) {
    const path = [...prefix, key];
    if (isTree(value) && (isTree(target[key]) || target[key] === undefined)) {
      const child = (target[key] as Tree | undefined) ?? {};
      target[key] = child;
      origins.set(path.join('.'), origin);
      mergeInto(child, value, path, origin, origins);
    } else {
      target[key] = value;
      origins.set(path.join('.'), origin);
    }
  }
}

function setPath(tree: Tree, path: string[], value: unknown) {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    if (!isTree(node[key])) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1]!] = value;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
