import { assertSecretCheckCapacity, hashSecret, MAX_PENDING_SECRET_CHECKS, verifySecret } from './secrets';

describe('verifySecret', () => {
  it('checks a secret against its argon2id hash', async () => {
    const stored = await hashSecret('correct horse battery staple');
    await expect(verifySecret(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifySecret(stored, 'wrong')).resolves.toBe(false);
    await expect(verifySecret('not a hash', 'wrong')).resolves.toBe(false);
  });

  it('refuses a check past MAX_PENDING_SECRET_CHECKS at once (RATE_LIMITED), and takes checks again once they are done', async () => {
    const stored = await hashSecret('s3cret-s3cret');
    const extra = 6;
    const running = Array.from({ length: MAX_PENDING_SECRET_CHECKS + extra }, () => verifySecret(stored, 'wrong'));
    // what a sign-in asks before it counts an attempt: no room now
    expect(() => assertSecretCheckCapacity()).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    const outcomes = await Promise.allSettled(running);
    expect(() => assertSecretCheckCapacity()).not.toThrow();
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === false)).toHaveLength(MAX_PENDING_SECRET_CHECKS);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(extra);
    expect(refused[0].reason).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'SIGN_IN_BUSY' } });
    await expect(verifySecret(stored, 's3cret-s3cret')).resolves.toBe(true);
  }, 60_000);
});
