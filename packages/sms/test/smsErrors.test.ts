import t from 'tap';
import { classifySmsFailure, SmsDeliveryError } from '../src/index.ts';

// The shapes below are the ones plivo@4.79.0 rejects with (see ADR 0010).
const stack = (first: string) => `${first}\n    at AxiosError.from (axios.cjs:1684:24)\n{"echo":"+33612345678 482913"}`;

t.test('provider answers are retryable for 5xx and 429, permanent for other 4xx', async (t) => {
  const withStatus = (status: number) => Object.assign(new Error('echo +33612345678'), { status });
  t.match(classifySmsFailure(withStatus(400), 'plivo'), { kind: 'permanent', status: 400 });
  t.match(classifySmsFailure(withStatus(401), 'plivo'), { kind: 'permanent', status: 401 });
  t.match(classifySmsFailure(withStatus(404), 'plivo'), { kind: 'permanent', status: 404 });
  t.match(classifySmsFailure(withStatus(500), 'plivo'), { kind: 'retryable', status: 500 });
  t.match(classifySmsFailure(new Error('AxiosError: Request failed with status code 429'), 'plivo'), {
    kind: 'retryable',
    status: 429,
  });
  t.match(classifySmsFailure(new Error('AxiosError: Request failed with status code 503'), 'plivo'), {
    kind: 'retryable',
    status: 503,
  });
  t.match(classifySmsFailure(new Error('AxiosError: Request failed with status code 409'), 'plivo'), {
    kind: 'permanent',
    status: 409,
  });
  t.match(classifySmsFailure({ response: { status: 502 } }, 'plivo'), { kind: 'retryable', status: 502 });
});

t.test('no answer at all (timeouts, refused, reset or unresolvable hosts) is retryable', async (t) => {
  const cases: Array<[unknown, string]> = [
    [stack('AxiosError: timeout of 300ms exceeded'), 'ETIMEDOUT'],
    [stack('Error: connect ECONNREFUSED 127.0.0.1:1'), 'ECONNREFUSED'],
    [stack('Error: socket hang up'), 'ECONNRESET'],
    [stack('Error: read ECONNRESET'), 'ECONNRESET'],
    [stack('Error: getaddrinfo ENOTFOUND api.plivo.com'), 'ENOTFOUND'],
    [stack('Error: getaddrinfo EAI_AGAIN api.plivo.com'), 'EAI_AGAIN'],
    [Object.assign(new Error(''), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    [Object.assign(new Error('aborted'), { code: 'ECONNABORTED' }), 'ECONNABORTED'],
    [new Error('connect ETIMEDOUT 1.2.3.4:443'), 'ETIMEDOUT'],
  ];
  for (const [failure, code] of cases) {
    t.match(classifySmsFailure(failure, 'plivo'), { kind: 'retryable', code, status: undefined }, code);
  }
});

t.test('an unrecognised failure is retryable', async (t) => {
  for (const failure of [
    new Error('something odd'),
    'odd',
    undefined,
    null,
    42,
    { weird: true },
    new Error('Request failed with status code 999'),
  ]) {
    t.match(classifySmsFailure(failure, 'plivo'), { kind: 'retryable', provider: 'plivo', status: undefined });
  }
});

t.test('an echoed body cannot pass for a status line', async (t) => {
  const echoed = stack('Error: socket hang up').replace('{"echo"', 'Request failed with status code 400 {"echo"');
  t.match(classifySmsFailure(echoed, 'plivo'), { kind: 'retryable', status: undefined });
});

t.test('an already classified failure is kept as it is', async (t) => {
  const original = new SmsDeliveryError({
    kind: 'permanent',
    provider: 'plivo',
    reason: 'invalid request',
    status: 400,
  });
  t.equal(classifySmsFailure(original, 'other'), original);
});

t.test('the error names provider, kind, status and code, and carries nothing of the original', async (t) => {
  const source = Object.assign(new Error('invalid dst +33612345678: "482913 is your code"'), {
    status: 400,
    moreInfo: '{"dst":"+33612345678"}',
  });
  const error = classifySmsFailure(source, 'plivo');
  t.equal(error.message, 'plivo SMS delivery failed (permanent): invalid request [HTTP 400]');
  t.equal(error.name, 'SmsDeliveryError');
  t.equal(error.cause, undefined);
  t.notMatch(String(error), /33612345678|482913/);
  t.notMatch(
    String(classifySmsFailure(stack('Error: connect ECONNREFUSED 10.0.0.1:443'), 'plivo')),
    /33612345678|482913|10\.0\.0\.1/,
  );
});
