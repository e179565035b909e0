import assert from 'node:assert/strict';
import { createFailureLimiter } from '../../../core/api/auth/failure-limiter.js';
import { hashPassword, newSecret, sha256, verifyPassword } from '../../../core/api/auth/secrets.js';

describe('auth secrets', () => {
  it('hashes passwords with scrypt in a self-describing format, salted', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(await hashPassword('correct horse'), hash, 'the same password hashes differently');
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsE', hash), false);
    assert.equal(await verifyPassword('correct horse', 'bcrypt$whatever'), false);
  });

  it('makes 32-byte base64url secrets stored as SHA-256', () => {
    assert.match(newSecret('rfat_'), /^rfat_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newSecret(), newSecret());
    assert.match(sha256('x'), /^[0-9a-f]{64}$/);
  });
});

describe('failure limiter', () => {
  it('blocks an address after maxFailures within the window, until the window ends', () => {
    let now = 0;
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    assert.equal(limiter.fail('a'), false);
    assert.equal(limiter.fail('a'), false);
    assert.equal(limiter.blockedFor('a'), 0);
    assert.equal(limiter.fail('a'), true, 'the failure that crosses the limit is reported once');
    assert.equal(limiter.blockedFor('a'), 60);
    assert.equal(limiter.blockedFor('b'), 0, 'other addresses are not affected');
    now = 30_000;
    assert.equal(limiter.blockedFor('a'), 30);
    now = 60_000;
    assert.equal(limiter.blockedFor('a'), 0);
  });

  it('forgets an address after a success', () => {
    const limiter = createFailureLimiter({ maxFailures: 2, windowMs: 60_000 });
    limiter.fail('a');
    limiter.reset('a');
    limiter.fail('a');
    assert.equal(limiter.blockedFor('a'), 0);
  });
});
