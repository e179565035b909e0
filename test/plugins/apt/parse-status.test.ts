import assert from 'node:assert/strict';
import { parseNeedrestart } from '../../../plugins/apt/parse-needrestart.js';
import { parseStatusLine } from '../../../plugins/apt/parse-status-fd.js';

describe('apt: parsing APT::Status-Fd progress', () => {
  it('reads download and package progress as apt 2.6 writes it', () => {
    assert.deepEqual(parseStatusLine('dlstatus:2:49.4832:Retrieving file 2 of 2'), {
      stage: 'download',
      percent: 49.4832,
      message: 'Retrieving file 2 of 2',
    });
    assert.deepEqual(parseStatusLine('pmstatus:rf-test-a:77.7778:Configuring rf-test-a (amd64)'), {
      stage: 'install',
      percent: 77.7778,
      package: 'rf-test-a',
      message: 'Configuring rf-test-a (amd64)',
    });
    assert.deepEqual(parseStatusLine('pmstatus:dpkg-exec:0.0000:Running dpkg'), {
      stage: 'install',
      percent: 0,
      message: 'Running dpkg',
    });
  });

  it('keeps a package name with an architecture and a message with colons', () => {
    assert.deepEqual(
      parseStatusLine(
        'pmerror:libc6:amd64:40:subprocess installed post-installation script returned error exit status 1',
      ),
      {
        stage: 'error',
        percent: 40,
        package: 'libc6:amd64',
        message: 'libc6:amd64: subprocess installed post-installation script returned error exit status 1',
      },
    );
    assert.equal(parseStatusLine('pmstatus:foo:10:Unpacking: step 1')?.message, 'Unpacking: step 1');
  });

  it('returns null for lines that are not status lines', () => {
    for (const line of ['', 'Reading package lists...', 'pmstatus:foo:ten:x', 'dlstatus'])
      assert.equal(parseStatusLine(line), null);
  });
});

describe('apt: parsing needrestart -b', () => {
  it('reads the kernel and microcode status and the services', () => {
    const status = parseNeedrestart([
      'NEEDRESTART-VER: 3.6',
      'NEEDRESTART-KCUR: 6.1.0-13-amd64',
      'NEEDRESTART-KEXP: 6.1.0-18-amd64',
      'NEEDRESTART-KSTA: 3',
      'NEEDRESTART-UCSTA: 1',
      'NEEDRESTART-SVC: ssh.service',
    ]);
    assert.deepEqual(status, {
      runningKernel: '6.1.0-13-amd64',
      expectedKernel: '6.1.0-18-amd64',
      kernelStatus: 3,
      microcodeStatus: 1,
      services: ['ssh.service'],
      warnings: [],
    });
  });

  it('reports lines it cannot read', () => {
    const status = parseNeedrestart(['Scanning processes...', 'NEEDRESTART-KSTA: x']);
    assert.equal(status.kernelStatus, undefined);
    assert.equal(status.warnings.length, 2);
  });
});
