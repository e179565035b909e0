import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dryRunDocker } from '../../../plugins/docker/dry-run.js';
import { installDocker } from '../../../plugins/docker/install.js';
import type { ContainerOutcome } from '../../../plugins/docker/update-run.js';
import { testOperation } from './helpers/session.js';
import { UpdateHost } from './helpers/update-host.js';

const run = promisify(execFile);

describe('docker plugin: compose-labelled containers (real podman, docker-compose)', function () {
  this.timeout(240_000);
  let setup: UpdateHost;
  let project: string;
  let composeFile: string;
  const compose = (args: string[], name = 'shop', file = composeFile) =>
    run('docker-compose', ['-p', name, '-f', file, ...args], {
      cwd: project,
      env: { ...setup.host.env(), DOCKER_HOST: `unix://${setup.host.socketPath}` },
    });
  const writeCompose = (ref: string, env: string, file = composeFile) =>
    writeFileSync(
      file,
      [
        'version: "3"',
        'services:',
        '  web:',
        `    image: ${ref}`,
        '    environment:',
        `      STAGE: ${env}`,
        '',
      ].join('\n'),
    );

  before(async function () {
    setup = await UpdateHost.start(this, ['docker-compose']);
    project = setup.tempDir();
    composeFile = join(project, 'compose.yaml');
  });
  after(async () => setup?.stop());

  it("goes through the project's own compose up when its files exist", async () => {
    const ref = setup.ref('shop');
    await setup.publishAndPull(ref);
    writeCompose(ref, 'one');
    await compose(['up', '-d']);
    const [name] = (await setup.containerNames()).filter((n) => n.startsWith('shop'));
    assert.ok(name);
    const before = await setup.inspect(name);
    assert.equal(before.Config.Labels?.['com.docker.compose.service'], 'web');
    await setup.publish(ref);
    // Only compose reads the file again: an engine recreate would keep STAGE=one.
    writeCompose(ref, 'two');

    const session = setup.session({ composeCommand: ['docker-compose'] });
    const dry = await dryRunDocker(session, testOperation(), { packages: [{ name: ref }] });
    assert.equal(
      dry.warnings.find((w) => w.startsWith('step 2')),
      `step 2: recreate container ${name} with compose: docker-compose -p shop -f ${composeFile} up -d --no-deps web`,
    );

    const lines: string[] = [];
    const result = await installDocker(
      session,
      { packages: [{ name: ref }] },
      (p) => lines.push(p.message),
      testOperation(180_000),
    );
    const containers = result.details!.containers as ContainerOutcome[];
    assert.deepEqual(
      containers.map((c) => [c.name, c.via, c.outcome]),
      [[name, 'compose', 'updated']],
    );
    const after = await setup.inspect(name);
    assert.notEqual(after.Id, before.Id);
    assert.equal(after.Image, await setup.imageId(ref));
    assert.equal(after.State.Running, true);
    assert.ok((after.Config.Env as string[]).includes('STAGE=two'));
  });

  it('recreates through the engine, and says so, when the compose files are gone', async () => {
    const ref = setup.ref('orphan');
    await setup.publishAndPull(ref);
    await setup.host.podman([
      'run',
      '-d',
      '--name',
      'orphan',
      '--label',
      'com.docker.compose.project=old',
      '--label',
      'com.docker.compose.service=svc',
      '--label',
      'com.docker.compose.project.config_files=/nonexistent/old/compose.yaml',
      ref,
    ]);
    await setup.publish(ref);
    const result = await installDocker(
      setup.session({ composeCommand: ['docker-compose'] }),
      { packages: [{ name: ref }] },
      () => {},
      testOperation(180_000),
    );
    assert.deepEqual(result.details!.containers, [
      {
        name: 'orphan',
        id: (result.details!.containers as ContainerOutcome[])[0]!.id,
        newId: (await setup.inspect('orphan')).Id,
        image: ref,
        via: 'engine',
        note: 'compose project old, files /nonexistent/old/compose.yaml not found',
        outcome: 'updated',
      },
    ]);
    const after = await setup.inspect('orphan');
    assert.equal(after.Config.Labels?.['com.docker.compose.project'], 'old');
    assert.equal(after.Image, await setup.imageId(ref));
  });
  it('rolls a compose service back: the tag goes back to the previous image and compose runs again', async () => {
    const ref = setup.ref('till');
    await setup.publishAndPull(ref);
    const file = join(setup.tempDir(), 'compose.yaml');
    writeCompose(ref, 'one', file);
    await compose(['up', '-d'], 'till', file);
    const [name] = (await setup.containerNames()).filter((n) => n.startsWith('till'));
    const before = await setup.inspect(name!);
    await setup.publish(ref, ['/bin/false']); // the new version exits at once

    await assert.rejects(
      installDocker(
        setup.session({ composeCommand: ['docker-compose'] }),
        { packages: [{ name: ref }] },
        () => {},
        testOperation(180_000),
      ),
      (error: Error & { code?: string; details?: { containers?: ContainerOutcome[] } }) => {
        assert.equal(error.code, 'update-failed');
        assert.deepEqual(
          error.details?.containers?.map((c) => [c.name, c.via, c.outcome]),
          [[name, 'compose', 'rolled_back']],
        );
        return true;
      },
    );
    const after = await setup.inspect(name!);
    assert.equal(after.State.Running, true);
    assert.equal(after.Image, before.Image);
    assert.equal(await setup.imageId(ref), before.Image, 'the tag names the previous image again');
  });
});
