import type { Aedes, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';

/**
 * aedes hooks are callback style; RedFlag's are async functions. This is the one place where
 * the two meet (DESIGN.md §9): a thrown error becomes the callback's error, never a crash.
 */
export interface AsyncHooks {
  /** Resolves with null to accept, or the CONNACK return code to refuse with. */
  authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<number | null>;
  /** Resolves with null to allow, or a reason (the client is then disconnected by aedes). */
  authorizePublish(client: Client | null, packet: PublishPacket): Promise<string | null>;
  /** Resolves with null to allow, or a reason (SUBACK 128 for that topic). */
  authorizeSubscribe(client: Client, subscription: Subscription): Promise<string | null>;
  onHookError(hook: string, err: unknown): void;
}

export function installHooks(broker: Aedes, hooks: AsyncHooks): void {
  broker.authenticate = (client, username, password, done) => {
    hooks.authenticate(client, username, password).then(
      (code) => {
        if (code === null) return done(null, true);
        const err = new Error('connection refused') as AuthenticateError;
        err.returnCode = code;
        done(err, false);
      },
      (err: unknown) => {
        hooks.onHookError('authenticate', err);
        const refusal = new Error('server unavailable') as AuthenticateError;
        refusal.returnCode = 3; // SERVER_UNAVAILABLE: try again later
        done(refusal, false);
      },
    );
  };

  broker.authorizePublish = (client, packet, done) => {
    hooks.authorizePublish(client, packet).then(
      (reason) => done(reason === null ? null : new Error(reason)),
      (err: unknown) => {
        hooks.onHookError('authorizePublish', err);
        done(new Error('authorization failed'));
      },
    );
  };

  broker.authorizeSubscribe = (client, subscription, done) => {
    hooks.authorizeSubscribe(client, subscription).then(
      (reason) => done(null, reason === null ? subscription : null),
      (err: unknown) => {
        hooks.onHookError('authorizeSubscribe', err);
        done(null, null);
      },
    );
  };
}
