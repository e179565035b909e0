import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { outsidePaths, outsidePathsIn } from './paths-outside.js';

/**
 * DESIGN.md §2: who may import whom. Walks every source file's imports (TypeScript's own
 * pre-processor, so comments and strings never count) and fails on a forbidden edge.
 */
const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const SOURCE_ROOMS = ['broker', 'core', 'plugins', 'agent', 'panel/src'];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const KNEX_FAMILY = new Set(['knex', 'knex-pglite', 'pg', '@electric-sql/pglite']);
/** Issue 22 §1: the protocol owns every schema and the one ajv set-up. */
const PROTOCOL_PACKAGES = new Set(['ajv', 'ajv-formats']);

interface ImportEdge {
  from: string; // file, relative to the root
  specifier: string;
  target: string | null; // resolved project file, or null for a package
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const typeOnly = new Set(
    [...text.matchAll(/^\s*(?:import|export)\s+type\s[^;]*?from\s+['"]([^'"]+)['"]/gms)].map((m) => m[1]),
  );
  return info.importedFiles.map(({ fileName: specifier }) => ({
    from: relative(ROOT, file),
    specifier,
    target: specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier)) : null,
    typeOnly: typeOnly.has(specifier),
  }));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The room a project file belongs to: `core/db`, `broker/protocol`, `plugins/apt`, `agent`… */
function roomOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'broker') return parts[1] === 'protocol' ? 'broker/protocol' : 'broker';
  if (parts[0] === 'plugins') return `plugins/${parts[1]}`;
  if (parts[0] === 'core') return parts.length > 2 ? `core/${parts[1]}` : 'core';
  if (parts[0] === 'panel') return 'panel';
  return parts[0]!;
}

/** Returns why an edge is forbidden, or null when DESIGN.md allows it. */
function violation(edge: ImportEdge): string | null {
  const from = roomOf(edge.from);
  if (edge.target === null) {
    const pkg = packageName(edge.specifier);
    const builtin = BUILTINS.has(edge.specifier) || BUILTINS.has(pkg);
    if (KNEX_FAMILY.has(pkg) && from !== 'core/db') return `${pkg} is imported only by core/db`;
    // DESIGN.md §2, issue 22 §1: broker/protocol uses node builtins and ajv only; plugins/sdk may use packages.
    if (from === 'broker/protocol' && !builtin && !PROTOCOL_PACKAGES.has(pkg))
      return `${from} is a leaf: node builtins and ajv only, not ${pkg}`;
    if (from === 'panel' && builtin) return 'the panel runs in a browser: no node builtins';
    return null;
  }
  const to = roomOf(edge.target);
  if (from === to) return null;
  const intoCoreRoom = to.startsWith('core/');
  switch (from) {
    case 'broker/protocol':
      return `${from} is a leaf and imports nothing from the project`;
    case 'plugins/sdk':
      // Issue 22 §1: the scan record and the transaction are the wire's, defined once there.
      return to === 'broker/protocol' ? null : `plugins/sdk may import only broker/protocol`;
    case 'broker':
      return to === 'broker/protocol' ? null : `broker may import only broker/protocol`;
    case 'agent':
      return to === 'broker/protocol' || to.startsWith('plugins/') ? null : `agent may not import ${to}`;
    case 'panel':
      // The vocabulary is plain word lists, so the panel may load it (issue 22 §1, decisions.md).
      if (edge.target.replace(/\.(js|ts)$/, '') === 'broker/protocol/vocabulary') return null;
      return to === 'broker/protocol' && edge.typeOnly
        ? null
        : `panel may import only types from broker/protocol, and its vocabulary`;
    default:
      break;
  }
  if (from.startsWith('plugins/')) {
    if (to === 'plugins/sdk') return null;
    if (to === 'broker/protocol' && edge.typeOnly) return null;
    return `plugin ${from} may import plugins/sdk and types from broker/protocol, not ${to}`;
  }
  // Issue 22 §2: the domain types, owned by no repository; types only, so any room may use them.
  if (from === 'core/domain')
    return to === 'broker/protocol' && edge.typeOnly
      ? null
      : 'core/domain holds types only: it may import types from broker/protocol alone';
  if (from === 'core' || from.startsWith('core/')) {
    if (to === 'broker' || to === 'broker/protocol' || to === 'plugins/sdk') return null;
    if (to === 'core') return from === 'core' ? null : `${from} may not import the composition root`;
    if (intoCoreRoom) {
      const entry = `${to}/index`;
      return edge.target.replace(/\.(js|ts)$/, '') === entry
        ? null
        : `${from} must import ${to} through its index.ts, not ${edge.target}`;
    }
    if (to.startsWith('plugins/')) return from === 'core/plugins' ? null : `only core/plugins loads plugins`;
    return `core may not import ${to}`;
  }
  return null;
}

describe('architecture: imports follow DESIGN.md §2', () => {
  const edges = SOURCE_ROOMS.flatMap((room) => sourceFiles(join(ROOT, room))).flatMap(importsOf);

  it('finds the source files it is checking', () => {
    assert.ok(
      edges.some((e) => e.from.startsWith('core/')),
      'no core imports found: the walker is broken',
    );
  });

  it('has no forbidden edge', () => {
    const bad = edges.flatMap((e) => {
      const why = violation(e);
      return why ? [`${e.from} imports '${e.specifier}': ${why}`] : [];
    });
    assert.deepEqual(bad, []);
  });

  describe('the rules themselves', () => {
    const edge = (from: string, specifier: string, target: string | null, typeOnly = false): ImportEdge => ({
      from,
      specifier,
      target,
      typeOnly,
    });
    it('refuses knex outside core/db', () => {
      assert.match(violation(edge('core/api/server.ts', 'knex', null))!, /only by core\/db/);
      assert.equal(violation(edge('core/db/connect.ts', 'knex', null)), null);
    });
    it('keeps broker/protocol a leaf (node builtins and ajv), and plugins/sdk to broker/protocol', () => {
      // Issue 22 §1: the protocol owns every schema and the one ajv set-up.
      assert.equal(violation(edge('broker/protocol/x.ts', 'ajv', null)), null);
      assert.equal(violation(edge('broker/protocol/x.ts', 'ajv-formats', null)), null);
      assert.match(violation(edge('broker/protocol/x.ts', 'semver', null))!, /node builtins and ajv only/);
      assert.equal(violation(edge('plugins/sdk/x.ts', 'semver', null)), null);
      assert.ok(violation(edge('plugins/sdk/x.ts', '../../core/db/index.js', 'core/db/index.js')));
      assert.ok(violation(edge('plugins/sdk/x.ts', '../../agent/index.js', 'agent/index.js')));
      assert.ok(
        violation(edge('broker/protocol/x.ts', '../../plugins/sdk/index.js', 'plugins/sdk/index.js')),
      );
      assert.equal(violation(edge('broker/protocol/x.ts', 'node:crypto', null)), null);
    });
    it('lets plugins/sdk take the scan record and the transaction from broker/protocol', () => {
      const protocol = ['../../broker/protocol/index.js', 'broker/protocol/index.js'] as const;
      assert.equal(violation(edge('plugins/sdk/x.ts', ...protocol)), null);
      assert.equal(violation(edge('plugins/sdk/x.ts', ...protocol, true)), null);
    });
    it('keeps core/domain a leaf of types, which core/db uses instead of owning them (issue 22 §2)', () => {
      const protocolTypes = ['../../broker/protocol/api-types.js', 'broker/protocol/api-types.js'] as const;
      assert.equal(violation(edge('core/domain/command.ts', ...protocolTypes, true)), null);
      assert.ok(violation(edge('core/domain/command.ts', ...protocolTypes)));
      assert.ok(violation(edge('core/domain/command.ts', '../db/index.js', 'core/db/index.js', true)));
      assert.equal(
        violation(
          edge('core/db/repositories/commands.ts', '../../domain/index.js', 'core/domain/index.js', true),
        ),
        null,
      );
    });
    it('makes core rooms talk through index.ts', () => {
      assert.ok(violation(edge('core/api/x.ts', '../db/connect.js', 'core/db/connect.js')));
      assert.equal(violation(edge('core/api/x.ts', '../db/index.js', 'core/db/index.js')), null);
    });
    it('keeps the agent away from the core and plugins away from each other', () => {
      assert.ok(violation(edge('agent/cli.ts', '../core/db/index.js', 'core/db/index.js')));
      assert.ok(violation(edge('plugins/apt/index.ts', '../dnf/index.js', 'plugins/dnf/index.js')));
      assert.equal(violation(edge('plugins/apt/index.ts', '../sdk/index.js', 'plugins/sdk/index.js')), null);
    });
    it('lets the panel import only types from broker/protocol', () => {
      assert.ok(
        violation(edge('panel/src/x.ts', '../../broker/protocol/index.js', 'broker/protocol/index.js')),
      );
      assert.equal(
        violation(edge('panel/src/x.ts', '../../broker/protocol/index.js', 'broker/protocol/index.js', true)),
        null,
      );
    });
    it('lets the panel import the API types as types, and load the vocabulary (issue 22 §1)', () => {
      const apiTypes = ['../../broker/protocol/api-types.js', 'broker/protocol/api-types.js'] as const;
      assert.equal(violation(edge('panel/src/x.ts', ...apiTypes, true)), null);
      assert.ok(violation(edge('panel/src/x.ts', ...apiTypes)));
      const vocabulary = ['../../broker/protocol/vocabulary.js', 'broker/protocol/vocabulary.js'] as const;
      assert.equal(violation(edge('panel/src/x.ts', ...vocabulary)), null);
      assert.ok(
        violation(edge('panel/src/x.ts', '../../broker/protocol/keys.js', 'broker/protocol/keys.js')),
      );
      assert.ok(violation(edge('panel/src/x.ts', '../../core/api/index.js', 'core/api/index.js', true)));
    });
  });
});

describe('architecture: the repository stands alone (issue 21 §1)', () => {
  /**
   * Paths that climb out of their own folder only in the compiled layout's search list:
   * from dist/core/ and dist/agent/, `../../` is still the package root.
   */
  const BUILD_LAYOUT_LOOKUPS = new Set([
    'agent/version.ts ../../package.json',
    'core/version.ts ../../package.json',
    'core/local-agent.ts ../../bin/redflag-agent.js',
    'core/api/routes/panel.ts ../../../../panel/dist/',
  ]);

  it('reads no path outside the repository', () => {
    const found = outsidePaths(ROOT)
      .filter(({ file }) => file !== 'test/architecture/imports.test.ts') // its examples, below
      .map(({ file, path }) => `${file} ${path}`);
    // The known lookups are found too: the walk reached the real sources.
    assert.deepEqual(
      [...BUILD_LAYOUT_LOOKUPS].filter((lookup) => !found.includes(lookup)),
      [],
    );
    assert.deepEqual(
      found.filter((path) => !BUILD_LAYOUT_LOOKUPS.has(path)),
      [],
    );
  });

  it('notices a path outside it, relative or by name', () => {
    const file = join(ROOT, 'test/plugins/apt/helpers/fixtures.ts');
    const found = (text: string) => outsidePathsIn(ROOT, file, text).map((o) => o.path);
    // The examples name the folder beside the repository only as pieces, so that this file
    // itself never holds the path it is looking for.
    const beside = ['..', 'shared'].join('/');
    const climbing = `../../../../${beside}/fixtures/apt/x`;
    assert.deepEqual(found(`new URL('${climbing}', import.meta.url)`), [climbing, beside]);
    const developers = ['', 'work', ''].join('/');
    assert.deepEqual(found(`readFileSync(\`${developers}shared/\${name}\`)`), [developers]);
    assert.deepEqual(found("new URL('../../../fixtures/apt/x', import.meta.url)"), []);
    assert.deepEqual(
      outsidePathsIn(ROOT, join(ROOT, '.ci/run'), 'cp -r ../../elsewhere .').map((o) => o.path),
      ['../../elsewhere'],
    );
  });
});

/** Issue 22 §2: "domain types are not owned by repositories". */
describe('architecture: domain types', () => {
  const DOMAIN = new URL('../../core/domain/', import.meta.url);
  const REPOSITORIES = new URL('../../core/db/repositories/', import.meta.url);
  const DOMAIN_TYPES = [
    'Agent',
    'Command',
    'PackageState',
    'UpdateEvent',
    'InstallOutcome',
    'SystemEvent',
    'NewSystemEvent',
    'Policy',
  ];

  it('core/domain holds declarations only: no code runs there', () => {
    for (const file of readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, DOMAIN), 'utf8');
      const code = text.match(/^(export )?(const|let|function|class|async function|enum) /m);
      assert.equal(code, null, `${file} declares ${code?.[0]}`);
    }
  });

  it('no repository declares a domain type; they import it from core/domain', () => {
    for (const file of readdirSync(REPOSITORIES).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, REPOSITORIES), 'utf8');
      for (const name of DOMAIN_TYPES)
        assert.doesNotMatch(text, new RegExp(`(interface|type) ${name}\\b`), `${file} declares ${name}`);
    }
  });
});
