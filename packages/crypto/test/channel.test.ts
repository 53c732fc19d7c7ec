import t from 'tap';
import { createReceivingChannel, createSendingChannel, generateBoxKeyPair } from '../src/index.ts';

const secret = { password: 'correct horse battery staple', email: 'ada@example.com' };

const flip = (sealed: string, index: number) => {
  const bytes = Buffer.from(sealed, 'base64');
  bytes[index] = bytes[index]! ^ 1;
  return bytes.toString('base64');
};

t.test('a sealed value opens with the recipient key pair and shows nothing of itself', async (t) => {
  const recipient = generateBoxKeyPair();
  const sender = createSendingChannel(recipient.publicKey);
  const sealed = sender.seal(secret);
  const raw = Buffer.from(sealed, 'base64').toString('latin1');
  t.notOk(raw.includes('correct horse') || raw.includes('ada@'), 'no plaintext in the sealed form');
  t.same(createReceivingChannel(recipient).open(sealed)?.value, secret);
  t.not(sender.seal(secret), sealed, 'the same value seals differently each time (random nonce)');
});

t.test('nothing opens with another key pair, altered, truncated or in another format', async (t) => {
  const recipient = generateBoxKeyPair();
  const sealed = createSendingChannel(recipient.publicKey).seal(secret);
  const receiver = createReceivingChannel(recipient);
  t.equal(createReceivingChannel(generateBoxKeyPair()).open(sealed), undefined, 'another recipient');
  t.equal(receiver.open(flip(sealed, 0)), undefined, 'another version byte');
  t.equal(receiver.open(flip(sealed, 5)), undefined, 'another sender key');
  t.equal(receiver.open(flip(sealed, 40)), undefined, 'another nonce');
  t.equal(receiver.open(flip(sealed, Buffer.from(sealed, 'base64').length - 1)), undefined, 'another tag');
  t.equal(receiver.open(Buffer.from(sealed, 'base64').subarray(0, 60).toString('base64')), undefined, 'truncated');
  t.equal(receiver.open(''), undefined, 'empty');
  t.equal(receiver.open('not base64 at all!'), undefined, 'garbage');
  // A sender key that is a low-order point allows no key agreement.
  const lowOrder = Buffer.concat([Buffer.from([1]), Buffer.alloc(32), Buffer.from(sealed, 'base64').subarray(33)]);
  t.equal(receiver.open(lowOrder.toString('base64')), undefined, 'a low-order sender key');
  t.same(receiver.open(sealed)?.value, secret, 'the original still opens');
});

t.test('a reply opens only for the request it answers', async (t) => {
  const recipient = generateBoxKeyPair();
  const sender = createSendingChannel(recipient.publicKey);
  const receiver = createReceivingChannel(recipient);
  const first = sender.sealRequest({ n: 1 });
  const second = sender.sealRequest({ n: 2 });
  const openedFirst = receiver.open<{ n: number }>(first.sealed)!;
  const openedSecond = receiver.open<{ n: number }>(second.sealed)!;
  t.same([openedFirst.value, openedSecond.value], [{ n: 1 }, { n: 2 }]);
  const reply = openedFirst.sealReply({ ok: true, token: 'tok-1' });
  t.notOk(Buffer.from(reply, 'base64').toString('latin1').includes('tok-1'));
  t.same(first.openReply(reply), { ok: true, token: 'tok-1' });
  t.equal(second.openReply(reply), undefined, 'the answer to one request is refused as the answer to another');
  t.equal(first.openReply(flip(reply, 30)), undefined, 'an altered reply');
  const other = createSendingChannel(recipient.publicKey).sealRequest({ n: 1 });
  t.equal(other.openReply(reply), undefined, 'another sender cannot open it');
});

t.test('senders are told apart and forgotten past the bound without failing', async (t) => {
  const recipient = generateBoxKeyPair();
  const receiver = createReceivingChannel(recipient, { maxSenders: 2 });
  const senders = Array.from({ length: 5 }, () => createSendingChannel(recipient.publicKey));
  for (let round = 0; round < 2; round += 1) {
    for (const [index, sender] of senders.entries()) {
      const request = sender.sealRequest({ index, round });
      const opened = receiver.open<{ index: number; round: number }>(request.sealed);
      t.same(opened?.value, { index, round });
      t.same(request.openReply(opened!.sealReply(index)), index);
    }
  }
});

t.test('a recipient key that allows no agreement fails on first use, not when the channel is made', async (t) => {
  const channel = createSendingChannel(Buffer.alloc(32));
  t.throws(() => channel.seal(secret));
});
