/** The rank test the timing suite relies on says "no difference" and "a difference" when it should. */
import t from 'tap';
import { mannWhitney } from './rankTest.ts';

t.test('two samples of one distribution: z near 0', async (t) => {
  const a = Array.from({ length: 200 }, (_, index) => (index * 7919) % 200);
  const b = Array.from({ length: 200 }, (_, index) => (index * 104729) % 200);
  const { z, probabilityAHigher } = mannWhitney(a, b);
  t.ok(Math.abs(z) < 0.1, `z = ${z}`);
  t.ok(Math.abs(probabilityAHigher - 0.5) < 0.01);
});

t.test('a sample shifted by a tenth of its spread is told apart, in the right direction', async (t) => {
  const base = Array.from({ length: 300 }, (_, index) => (index * 7919) % 300);
  const { z, probabilityAHigher } = mannWhitney(
    base.map((value) => value + 60),
    base,
  );
  t.ok(z > 3.89, `z = ${z}`);
  t.ok(probabilityAHigher > 0.6);
});

t.test('the textbook case: U and its normal approximation with ties', async (t) => {
  // Ranks of a = {1, 2, 3.5} among a ∪ b = {1, 2, 3, 3, 4, 5}: U = 6.5 − 6 = 0.5.
  const { probabilityAHigher } = mannWhitney([1, 2, 3], [3, 4, 5]);
  t.equal(probabilityAHigher, 0.5 / 9);
});
