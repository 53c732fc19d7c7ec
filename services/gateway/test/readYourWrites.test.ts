import t from 'tap';
import { createProjectionWatch, waitForView } from '../src/readYourWrites.ts';

t.test('a watched wait reads the view again as soon as its event is projected, without polling', async (t) => {
  const watch = createProjectionWatch();
  let version = 0;
  let reads = 0;
  const read = async () => {
    reads += 1;
    return { version };
  };
  const waiting = waitForView(read, (view) => view.version >= 7, 2000, { watch, position: 7 });
  await new Promise((resolve) => setTimeout(resolve, 60));
  version = 7;
  const readsBefore = reads;
  watch.projected(7);
  const view = await waiting;
  t.same(view, { version: 7 });
  t.equal(reads, readsBefore + 1, 'one read after the projection answered it');
  // Polling every 2 ms would have read about 30 times in 60 ms; the watch re-reads only on its 25 ms safety net.
  t.ok(reads <= 5, `read ${reads} times`);
});

t.test('an event projected before the wait began ends it at once', async (t) => {
  const watch = createProjectionWatch();
  watch.projected(3);
  let calls = 0;
  const first = await Promise.race([
    watch.until(3, 1000).then(() => 'watch'),
    new Promise((resolve) => setImmediate(() => resolve('next turn'))),
  ]);
  t.equal(first, 'watch', 'resolved without waiting');
  const view = await waitForView(
    async () => ({ version: calls++ === 0 ? 2 : 3 }),
    (current) => current.version >= 3,
    1000,
    { watch, position: 3 },
  );
  t.same(view, { version: 3 });
});

t.test('a missed signal still ends the wait: the view is read again, and the bound holds', async (t) => {
  const watch = createProjectionWatch();
  let version = 0;
  setTimeout(() => {
    version = 9;
  }, 40);
  t.same(
    await waitForView(
      async () => ({ version }),
      (view) => view.version >= 9,
      2000,
      { watch, position: 9 },
    ),
    { version: 9 },
    'seen on a re-read',
  );
  const started = Date.now();
  t.same(
    await waitForView(
      async () => ({ version: 1 }),
      (view) => view.version >= 10,
      100,
      { watch, position: 10 },
    ),
    { version: 1 },
    'the last value read',
  );
  const waited = Date.now() - started;
  t.ok(waited >= 95 && waited < 2000, `gave up after the bound (${waited} ms)`);
});

t.test('without a watch it polls, as a gateway of its own must', async (t) => {
  let version = 0;
  setTimeout(() => {
    version = 1;
  }, 20);
  t.same(
    await waitForView(
      async () => ({ version }),
      (view) => view.version >= 1,
      1000,
    ),
    { version: 1 },
  );
});

t.test('the watch forgets old positions past its bound', async (t) => {
  const watch = createProjectionWatch(2);
  watch.projected(1);
  watch.projected(2);
  watch.projected(3);
  const started = Date.now();
  await watch.until(1, 50);
  t.ok(Date.now() - started >= 45, 'position 1 was forgotten: the wait ran to its bound');
});
