/**
 * What every SMS adapter must do, run unchanged against each: hand over the
 * exact text for the exact number and answer the provider's id for it.
 */
import type { Test } from 'tap';
import type { SmsSender } from '../smsSender.ts';

export interface SmsSenderContractOptions {
  name: string;
  create: () => Promise<SmsSender>;
  /** Reads back what the provider (or its stand-in) received. */
  delivered: () => Promise<Array<{ to: string; text: string }>>;
}

export function smsSenderContract(t: Test, options: SmsSenderContractOptions) {
  return t.test(`SMS sender contract: ${options.name}`, async (t) => {
    t.test('a message reaches the provider with its number and text, and the provider id comes back', async (t) => {
      const sender = await options.create();
      const before = (await options.delivered()).length;
      const receipt = await sender.send({
        to: '+33612345678',
        text: '1234 is your code. It expires in 5 min.',
        reference: 'ref-1',
      });
      t.type(receipt.providerMessageId, 'string');
      t.ok(receipt.providerMessageId.length > 0);
      const delivered = (await options.delivered()).slice(before);
      t.same(
        delivered.map(({ to, text }) => ({ to, text })),
        [{ to: '+33612345678', text: '1234 is your code. It expires in 5 min.' }],
      );
    });
    t.test('two messages get two provider ids', async (t) => {
      const sender = await options.create();
      const first = await sender.send({ to: '+33612345678', text: 'one', reference: 'ref-2' });
      const second = await sender.send({ to: '+33612345678', text: 'two', reference: 'ref-3' });
      t.not(first.providerMessageId, second.providerMessageId);
    });
    t.test('a sender that can look messages up finds one by its reference, and no other', async (t) => {
      const sender = await options.create();
      if (!sender.findByReference) {
        t.pass('this provider cannot look messages up; redelivery after a crash may duplicate one SMS');
        return;
      }
      const receipt = await sender.send({ to: '+33612345678', text: 'lookup', reference: 'ref-lookup-1' });
      t.same(await sender.findByReference('ref-lookup-1'), receipt);
      t.equal(await sender.findByReference('ref-never-sent'), undefined);
    });

    t.test('unicode text arrives unchanged', async (t) => {
      const sender = await options.create();
      const before = (await options.delivered()).length;
      await sender.send({ to: '+33612345678', text: 'Votre code : 1234 — il expire dans 5 min.', reference: 'ref-4' });
      t.equal((await options.delivered()).slice(before)[0]?.text, 'Votre code : 1234 — il expire dans 5 min.');
    });
  });
}
