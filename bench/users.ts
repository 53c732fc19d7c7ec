/** Users for the HTTP runs: each with an email and a phone of its own. */

export interface User {
  email: string;
  phoneNumber: string;
  password: string;
}

let userCounter = 0;

export const nextUser = (): User => {
  userCounter += 1;
  const suffix = String(10_000_000 + userCounter).slice(-8);
  return {
    email: `bench${suffix}.${userCounter}@example.com`,
    phoneNumber: `+3361${suffix.slice(-7)}`,
    password: `a long passphrase ${suffix}`,
  };
};

/** Runs `task` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await task(items[index]!);
      }
    }),
  );
  return out;
}
