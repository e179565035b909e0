import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../helpers/cli.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

interface Workflow {
  on: { push: { tags: string[] } };
  jobs: {
    image: {
      strategy: { matrix: { include: Array<{ arch: string; platform: string }> } };
      steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }>;
    };
  };
}

/**
 * Issue 26 §2: the image the Supervisor pulls. It cannot be built here (no registry reaches
 * Home Assistant's base image), so what must agree is checked instead: config.yaml's `image`
 * and `arch`, the workflow that publishes them, and the files addon/Dockerfile copies.
 */
describe('addon image', () => {
  const manifest = parse(read('addon/config.yaml')) as { image: string; version: string; arch: string[] };
  const workflow = parse(read('.github/workflows/addon-image.yml')) as Workflow;
  const job = workflow.jobs.image;
  const push = job.steps.find((s) => s.uses?.startsWith('docker/build-push-action'))!;

  it('is published for every architecture the add-on names, under the name and version it pulls', () => {
    assert.deepEqual(job.strategy.matrix.include.map((m) => m.arch).sort(), [...manifest.arch].sort());
    for (const { arch, platform } of job.strategy.matrix.include)
      assert.equal(platform, { amd64: 'linux/amd64', aarch64: 'linux/arm64' }[arch], arch);
    // The workflow reads the version from config.yaml, and tags each arch's image with it.
    assert.equal(
      push.with!.tags,
      `${manifest.image.replace('{arch}', '${{ matrix.arch }}')}:\${{ steps.addon.outputs.version }}`,
    );
    // The step that reads the version, run as the workflow runs it.
    const step = job.steps.find((s) => s.run?.includes('GITHUB_OUTPUT'))!;
    const out = tempDir('redflag-workflow-');
    try {
      const outputs = join(out.path, 'outputs');
      const ran = spawnSync('bash', ['-e', '-c', step.run!], {
        cwd: fileURLToPath(ROOT),
        env: { ...process.env, GITHUB_OUTPUT: outputs },
      });
      assert.equal(ran.status, 0, String(ran.stderr));
      assert.equal(readFileSync(outputs, 'utf8'), `version=${manifest.version}\n`);
    } finally {
      out.remove();
    }
    assert.deepEqual(workflow.on.push.tags, ['v*']);
  });

  it('is built from the repository root after the panel and the core are built', () => {
    assert.equal(push.with!.context, '.');
    assert.equal(push.with!.file, 'addon/Dockerfile');
    const runs = job.steps.flatMap((s) => (s.run ? [s.run] : []));
    const at = (command: string) => runs.indexOf(command);
    assert.ok(at('npm ci') >= 0 && at('npm ci') < at('npm run build:panel'), runs.join(' | '));
    assert.ok(at('npm run build:panel') < at('npm run build'), 'build copies panel/dist: panel first');
  });

  it('copies only what the repository holds, or what `npm run build` writes (dist/)', () => {
    const copies = read('addon/Dockerfile')
      .split('\n')
      .filter((l) => /^COPY /.test(l) && !l.includes('--from'))
      .flatMap((l) =>
        l
          .replace(/^COPY\s+/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    assert.ok(copies.length >= 3, copies.join(' '));
    for (const source of copies) {
      if (source === 'dist/') continue; // scripts/build.ts's default --out
      assert.ok(existsSync(new URL(source, ROOT)), `${source} is in the repository`);
    }
    assert.match(read('scripts/build.ts'), /\.option\('--out <dir>', 'output directory', 'dist'\)/);
  });
});
