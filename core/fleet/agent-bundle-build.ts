import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The agent bundle: agent/cli.ts and everything it imports (its built-in plugins, mqtt.js,
 * pino, commander, ajv) in one ES module file that runs on the Node.js a distribution ships
 * (Node ≥ 18: Debian 12, Ubuntu 24.04, Fedora, Alpine, Arch). esbuild lowers syntax to node18;
 * APIs are the agent's own concern (docs/agent.md, "The bundle").
 */

/** Bumped when the options below change, so a cached bundle built with older ones is rebuilt. */
export const AGENT_BUNDLE_BUILD_REVISION = 2;

/** The sources' root: the repository (core/fleet/ → ../../) or dist/ for a compiled core. */
export function agentEntryPoint(): string {
  for (const candidate of ['../../agent/cli.ts', '../../agent/cli.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('agent/cli.ts not found next to the RedFlag core sources');
}

export interface BuiltAgentBundle {
  code: Buffer;
  /** Absolute paths of every file that went into it (for the source-hash cache). */
  inputs: string[];
}

/** Builds the bundle in memory; `version` is what `redflag-agent --version` and `hello` report. */
export async function buildAgentBundle(opts: { version: string }): Promise<BuiltAgentBundle> {
  const entry = agentEntryPoint();
  // Imported on first use: loading esbuild costs the core about 10 MB it holds from then on,
  // and most cores build the bundle rarely, if ever (issue 26, docs/decisions.md).
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: fileURLToPath(new URL('../../', `file://${entry}`)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    write: false,
    outfile: 'redflag-agent.mjs',
    metafile: true,
    legalComments: 'none',
    // No comments and no indentation: V8 keeps the whole source in memory (for lazy compilation),
    // so this is a megabyte less of the agent's RSS on every host. Names are kept, so stack
    // traces still read.
    minifyWhitespace: true,
    logLevel: 'silent',
    define: {
      __REDFLAG_AGENT_VERSION__: JSON.stringify(opts.version),
      __REDFLAG_AGENT_BUNDLE__: 'true',
    },
    banner: {
      // The first line names the version (the core reads it from a prebuilt file); the
      // require shim lets bundled CommonJS packages load node builtins from an ES module.
      js: [
        `// redflag-agent ${opts.version} (single-file bundle, Node.js >= 18)`,
        "import { createRequire as __rfCreateRequire } from 'node:module';",
        'const require = __rfCreateRequire(import.meta.url);',
      ].join('\n'),
    },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the agent bundle');
  const root = fileURLToPath(new URL('../../', `file://${entry}`));
  return {
    code: Buffer.from(file.contents),
    inputs: Object.keys(result.metafile.inputs).map((p) => (p.startsWith('/') ? p : `${root}${p}`)),
  };
}

/** The version a bundle's first line names, or null when it is not a RedFlag agent bundle. */
export function bundleVersionOf(code: Buffer): string | null {
  const firstLine = code.subarray(0, 200).toString('utf8').split('\n', 1)[0] ?? '';
  return /^\/\/ redflag-agent ([0-9A-Za-z.+-]{1,64}) /.exec(firstLine)?.[1] ?? null;
}
