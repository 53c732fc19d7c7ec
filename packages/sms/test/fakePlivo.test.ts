import t from 'tap';
import { createFakePlivo } from '../src/testing/index.ts';

t.test('the fake Plivo takes form posts too, and refuses wrong credentials and unknown paths', async (t) => {
  const fake = await createFakePlivo();
  t.teardown(() => fake.close());
  const authorization = `Basic ${Buffer.from(`${fake.authId}:${fake.authToken}`).toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams({ src: '+15550001111', dst: '+33612345678', text: 'hello' }).toString();

  const accepted = await fetch(`${fake.url}/Message/`, { method: 'POST', headers: { ...form, authorization }, body });
  t.equal(accepted.status, 202);
  const answer = (await accepted.json()) as { message_uuid: string[]; message: string };
  t.equal(answer.message, 'message(s) queued');
  t.match(fake.received, [
    { src: '+15550001111', dst: '+33612345678', text: 'hello', message_uuid: answer.message_uuid[0] },
  ]);

  const wrongAuth = await fetch(`${fake.url}/Message/`, {
    method: 'POST',
    headers: { ...form, authorization: 'Basic eDp5' },
    body,
  });
  t.equal(wrongAuth.status, 401);
  t.match(await wrongAuth.json(), { api_id: String, error: String });
  t.equal(
    (await fetch(`${fake.url}/Call/`, { method: 'POST', headers: { ...form, authorization }, body })).status,
    404,
  );
  const noSource = new URLSearchParams({ dst: '+33612345678', text: 'hello' }).toString();
  t.equal(
    (await fetch(`${fake.url}/Message/`, { method: 'POST', headers: { ...form, authorization }, body: noSource }))
      .status,
    400,
  );
  t.equal(fake.received.length, 1);
});
