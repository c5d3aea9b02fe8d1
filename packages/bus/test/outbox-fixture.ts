import type { Ledger } from '@croupier/ledger';
import type { OutboxSource, TransportMessage } from '../src/index.ts';

/** Enqueues `perPlayer` events for each player, interleaved across players, one transaction each. */
export async function enqueueEvents(ledger: Ledger, prefix: string, players: string[], perPlayer: number) {
  for (let n = 1; n <= perPlayer; n++) {
    for (const player of players) {
      await ledger.transaction((tx) =>
        tx.enqueueEvent({
          event_id: `${prefix}-${player}-${n}`,
          subject: `${prefix}.croupier.events.test.tenant.${player}`,
          partition_key: player,
          payload: JSON.stringify({ player, n }),
          headers: { 'event-type': 'test' },
        }),
      );
    }
  }
}

/** A source that publishes and then "crashes" before marking anything. */
export const crashingBeforeMark = (ledger: Ledger): OutboxSource => ({
  claim: (limit, publish) =>
    ledger.outbox.claim(limit, async (rows) => {
      await publish(rows);
      throw new Error('simulated crash between publish and mark');
    }),
});

export const decode = (m: TransportMessage) =>
  JSON.parse(new TextDecoder().decode(m.data)) as { player: string; n: number };

/** Each player's event numbers must be strictly increasing in delivery order. */
export function expectOrderedPerPlayer(received: { player: string; n: number }[]): Map<string, number[]> {
  const byPlayer = new Map<string, number[]>();
  for (const { player, n } of received) {
    const list = byPlayer.get(player) ?? [];
    list.push(n);
    byPlayer.set(player, list);
  }
  for (const [player, list] of byPlayer) {
    for (let i = 1; i < list.length; i++) {
      if ((list[i] as number) <= (list[i - 1] as number)) {
        throw new Error(`events of ${player} out of order: ${list.join(',')}`);
      }
    }
  }
  return byPlayer;
}

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
