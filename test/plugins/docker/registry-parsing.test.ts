import assert from 'node:assert/strict';
import { entryForPlatform } from '../../../plugins/docker/platform.js';
import { readRateLimit } from '../../../plugins/docker/rate-limit.js';
import { newerTag } from '../../../plugins/docker/version-hint.js';
import { parseChallenge } from '../../../plugins/docker/www-authenticate.js';

describe('docker plugin: what registries answer', () => {
  describe('WWW-Authenticate', () => {
    it("reads Docker Hub's bearer challenge, a scope with two actions included", () => {
      const header =
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"';
      assert.deepEqual(parseChallenge(header), {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull,push',
        },
      });
    });
    it('reads a basic challenge and unquoted values', () => {
      assert.deepEqual(parseChallenge('Basic realm=rf-test'), {
        scheme: 'basic',
        params: { realm: 'rf-test' },
      });
      assert.equal(parseChallenge(null), null);
    });
  });

  describe('rate limits', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    it("reads Docker Hub's ratelimit-remaining", () => {
      const headers = new Headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' });
      assert.deepEqual(readRateLimit(headers, 200, now), { remaining: 76 });
    });
    it('on a 429 waits for Retry-After in seconds or as a date, or ratelimit-reset', () => {
      assert.equal(readRateLimit(new Headers({ 'retry-after': '30' }), 429, now).resetAt, now + 30_000);
      const date = 'Mon, 07 Dec 2026 12:05:00 GMT';
      assert.equal(readRateLimit(new Headers({ 'retry-after': date }), 429, now).resetAt, Date.parse(date));
      assert.equal(readRateLimit(new Headers({ 'ratelimit-reset': '7' }), 429, now).resetAt, now + 7000);
    });
    it('backs off a minute on a 429 without a hint', () => {
      assert.equal(readRateLimit(new Headers(), 429, now).resetAt, now + 60_000);
    });
  });

  describe("an index's entry for this platform", () => {
    const entry = (architecture: string, variant?: string, os = 'linux') => ({
      digest: `sha256:${architecture}${variant ?? ''}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });
    const index = [
      entry('amd64'),
      entry('arm', 'v6'),
      entry('arm', 'v7'),
      entry('arm64', 'v8'),
      entry('unknown', undefined, 'unknown'),
    ];
    it('matches os and architecture, and the variant or its default', () => {
      assert.equal(entryForPlatform(index, 'linux/amd64')?.digest, 'sha256:amd64');
      assert.equal(entryForPlatform(index, 'linux/arm64')?.digest, 'sha256:arm64v8');
      assert.equal(entryForPlatform(index, 'linux/arm')?.digest, 'sha256:armv7');
      assert.equal(entryForPlatform(index, 'linux/arm/v6')?.digest, 'sha256:armv6');
      assert.equal(entryForPlatform(index, 'linux/riscv64'), undefined);
    });
  });

  describe('version hints', () => {
    const tags = ['1.27', '1.28', '1.29', '1.29-alpine', '2', 'v1.30', 'latest', '1.27.1'];
    it('names the newest higher tag of the same shape', () => {
      assert.equal(newerTag('1.27', tags), '1.29');
      assert.equal(newerTag('1.27-alpine', tags), '1.29-alpine');
      assert.equal(newerTag('1', tags), '2');
    });
    it('names none when the tag is the newest, or not a version', () => {
      assert.equal(newerTag('1.29', tags), undefined);
      assert.equal(newerTag('latest', tags), undefined);
    });
  });
});
