import assert from 'node:assert/strict';
import { aptPackageArguments } from '../../../plugins/apt/package-names.js';
import { isPluginError } from '../../../plugins/sdk/index.js';

describe('apt: package names from requests are untrusted', () => {
  it('builds apt-get arguments with architecture and version pins', () => {
    assert.deepEqual(
      aptPackageArguments([
        { name: 'curl' },
        { name: 'libc6', arch: 'i386', version: '2.36-9+deb12u10' },
        { name: 'tzdata', arch: 'all', version: '2025b-0+deb12u1' },
        { name: 'libstdc++6', version: '1:12.2.0-14' },
      ]),
      ['curl', 'libc6:i386=2.36-9+deb12u10', 'tzdata=2025b-0+deb12u1', 'libstdc++6=1:12.2.0-14'],
    );
  });

  for (const ref of [
    { name: '-oAPT::Get::Assume-Yes=1' },
    { name: '--purge' },
    { name: 'curl; rm -rf /' },
    { name: 'curl', version: '1.0 --allow-downgrades' },
    { name: 'curl', version: '-1' },
    { name: 'curl', arch: '../x' },
    { name: 'Curl' },
    { name: '' },
  ])
    it(`refuses ${JSON.stringify(ref)}`, () => {
      assert.throws(
        () => aptPackageArguments([ref]),
        (error) => isPluginError(error) && error.code === 'invalid-request',
      );
    });

  it('refuses an empty request', () => {
    assert.throws(() => aptPackageArguments([]), /no packages were named/);
  });
});
