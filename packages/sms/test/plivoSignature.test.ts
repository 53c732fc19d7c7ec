import t from 'tap';
import { createHmac } from 'node:crypto';
import plivo from 'plivo';
import { signPlivoRequest, verifyPlivoSignature } from '../src/index.ts';

const authToken = 'ZmFrZS1wbGl2by1hdXRoLXRva2Vu';
const url = 'https://tessera.example/sms/plivo/status';
const nonce = '05429567804466091622';
const report: Record<string, string> = {
  MessageUUID: 'db3ce55a-7f1d-11e1-8ea7-1231380bc196',
  Status: 'delivered',
  ErrorCode: '000',
  To: '+33612345678',
  From: '+15550001111',
};

/** Plivo's documented V3 scheme, spelled out by hand for one POST report. */
const handSigned = createHmac('sha256', authToken)
  .update(
    `${url}?` +
      'ErrorCode000' +
      'From+15550001111' +
      'MessageUUIDdb3ce55a-7f1d-11e1-8ea7-1231380bc196' +
      'Statusdelivered' +
      'To+33612345678' +
      `.${nonce}`,
  )
  .digest('base64');

const sdkAccepts = (
  method: string,
  callbackUrl: string,
  params: Record<string, string>,
  signature: string,
  token = authToken,
  sdkNonce = nonce,
) => Boolean(plivo.validateV3Signature(method, callbackUrl, sdkNonce, token, signature, params));

t.test('a delivery report signed by Plivo is accepted', async (t) => {
  t.equal(signPlivoRequest({ method: 'POST', url, params: report, nonce, authToken }), handSigned);
  t.ok(verifyPlivoSignature({ method: 'POST', url, params: report, nonce, signature: handSigned, authToken }));
  t.ok(sdkAccepts('POST', url, report, handSigned), 'the plivo SDK agrees');
});

t.test('signatures agree with the plivo SDK for GET, query strings and empty reports', async (t) => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ['POST', `${url}?tenant=eu&a=2&a=1`, report],
    ['POST', url, {}],
    ['POST', `${url}?tenant=eu`, {}],
    ['GET', url, report],
    ['GET', `${url}?tenant=eu`, { Status: 'failed', ErrorCode: '30' }],
    ['POST', 'http://127.0.0.1:8080/status/', { Status: 'sent' }],
  ];
  for (const [method, callbackUrl, params] of cases) {
    const signature = signPlivoRequest({ method, url: callbackUrl, params, nonce, authToken });
    t.ok(sdkAccepts(method, callbackUrl, params, signature), `SDK accepts ${method} ${callbackUrl}`);
    t.ok(
      verifyPlivoSignature({ method, url: callbackUrl, params, nonce, signature, authToken }),
      `accepted: ${method} ${callbackUrl}`,
    );
  }
});

t.test('during an auth token rotation, any one of the listed signatures is enough', async (t) => {
  const signature = `${signPlivoRequest({ method: 'POST', url, params: report, nonce, authToken: 'old-token' })},${handSigned}`;
  t.ok(verifyPlivoSignature({ method: 'POST', url, params: report, nonce, signature, authToken }));
  t.ok(sdkAccepts('POST', url, report, signature));
});

t.test('a tampered, replayed-elsewhere or forged report is refused', async (t) => {
  const valid = { method: 'POST', url, params: report, nonce, signature: handSigned, authToken };
  const refused: Array<[string, typeof valid]> = [
    ['status changed', { ...valid, params: { ...report, Status: 'failed' } }],
    ['field added', { ...valid, params: { ...report, Extra: '1' } }],
    ['other nonce', { ...valid, nonce: '1' }],
    ['other URL', { ...valid, url: 'https://tessera.example/sms/other' }],
    ['other token', { ...valid, authToken: 'not-the-token' }],
    ['signed as GET', { ...valid, method: 'GET' }],
    ['one character off', { ...valid, signature: `${handSigned.slice(0, -2)}A=` }],
  ];
  for (const [name, input] of refused) {
    t.notOk(verifyPlivoSignature(input), name);
    if (input.method === 'POST' || input.method === 'GET')
      t.notOk(
        sdkAccepts(input.method, input.url, input.params, input.signature, input.authToken, input.nonce),
        `SDK refuses too: ${name}`,
      );
  }
});

t.test('missing or garbage signature headers are refused without throwing', async (t) => {
  const valid = { method: 'POST', url, params: report, nonce, signature: handSigned, authToken };
  const garbage = [
    { ...valid, signature: undefined },
    { ...valid, nonce: undefined },
    { ...valid, signature: '' },
    { ...valid, nonce: '' },
    { ...valid, signature: 'not base64 at all %%%' },
    { ...valid, signature: ',,,' },
    { ...valid, signature: 'x'.repeat(10_000) },
    { ...valid, signature: '\uD800' },
    { ...valid, method: 'PUT' },
    { ...valid, authToken: '' },
    { ...valid, params: { Status: undefined } as unknown as Record<string, string> },
  ];
  for (const input of garbage) t.equal(verifyPlivoSignature(input), false);
});
