/**
 * Reading configuration from the environment with every problem collected,
 * so a misconfigured service says everything that is wrong at once, in words.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export interface EnvReader {
  integer(name: string, fallback: number, min: number, max: number): number;
  text(name: string, fallback: string): string;
  /** A value that must be set; reported as missing otherwise. */
  required(name: string, why: string): string;
  optional(name: string): string | undefined;
  list(name: string, fallback: string[]): string[];
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T;
  problem(message: string): void;
  /** Throws ConfigError listing every problem, if any. */
  done(): void;
}

export function readEnv(env: Env): EnvReader {
  const problems: string[] = [];
  const raw = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  return {
    integer(name, fallback, min, max) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value.slice(0, 40)}")`);
        return fallback;
      }
      return parsed;
    },
    text: (name, fallback) => raw(name) ?? fallback,
    required(name, why) {
      const value = raw(name);
      if (value === undefined) problems.push(`${name} is required: ${why}`);
      return value ?? '';
    },
    optional: (name) => raw(name),
    list: (name, fallback) =>
      raw(name)
        ?.split(',')
        .map((item) => item.trim())
        .filter(Boolean) ?? fallback,
    oneOf(name, fallback, allowed) {
      const value = raw(name) ?? fallback;
      if (!allowed.includes(value as never)) problems.push(`${name} must be one of ${allowed.join(', ')}`);
      return value as typeof fallback;
    },
    problem: (message) => {
      problems.push(message);
    },
    done() {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
