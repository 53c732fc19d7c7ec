/**
 * The gateway's readiness names identity: without a live identity instance
 * every command waits out its timeout and fails, so a gateway that said ready
 * then would draw traffic it can only refuse. The bus tells whether identity's
 * consumer group has a live member on the command topic. Probes come often:
 * an answer is kept for `cacheMs`, probes arriving during a lookup share it,
 * and a lookup that does not answer within `timeoutMs` counts as unavailable.
 */
import { consumerGroups, topics } from '@tessera/contracts';
import type { MessageBus } from '@tessera/messaging';
import type { ReadinessCheck } from './routes/health.ts';

export interface IdentityReadinessOptions {
  /** How long an answer is kept (default 1 s). */
  cacheMs?: number;
  /** How long a probe waits for the bus's answer (default 2 s). */
  timeoutMs?: number;
}

export function identityReadiness(
  bus: Pick<MessageBus, 'hasLiveConsumers'>,
  options: IdentityReadinessOptions = {},
): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  let answer: { at: number; live: boolean } | undefined;
  let lookup: Promise<void> | undefined;

  const lookUp = (): Promise<void> => {
    lookup ??= bus
      .hasLiveConsumers(topics.identityCommands, consumerGroups.identityCommands)
      .then(
        (live) => {
          answer = { at: Date.now(), live };
        },
        () => {
          answer = { at: Date.now(), live: false };
        },
      )
      .finally(() => {
        lookup = undefined;
      });
    return lookup;
  };

  return {
    name: 'identity',
    async check() {
      if (answer === undefined || Date.now() - answer.at >= cacheMs) {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const outcome = await Promise.race([lookUp(), timedOut]).finally(() => clearTimeout(timer));
        if (outcome === 'timeout') throw new Error('the message bus did not say in time whether identity is there');
      }
      if (!answer?.live) throw new Error('no identity instance serves commands');
    },
  };
}
