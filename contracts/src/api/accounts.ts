/** Accounts and their portfolios: opening, activating and reading them. */
import { Type } from '@sinclair/typebox';
import { example } from '../apiExamples.ts';
import { AccountKind, AccountStatus, IdParam, Instant, PortfolioAccountType, Uuid } from './fields.ts';

export const AccountSummary = Type.Object({
  accountId: Uuid,
  kind: AccountKind,
  status: AccountStatus,
});

export const OpenAccountBody = Type.Object(
  {
    userId: {
      ...IdParam,
      description: 'A user the calling client signed up (`userId` of the sign-up answer).',
      examples: [example.userId],
    },
  },
  {
    additionalProperties: false,
    examples: [{ userId: example.userId }],
  },
);
export const AccountParams = Type.Object({
  accountId: {
    ...IdParam,
    description: 'An account of a user the calling client signed up.',
    examples: [example.mainAccountId],
  },
});
export const PortfolioParams = Type.Object({
  portfolioId: {
    ...IdParam,
    description: 'A portfolio of a user the calling client signed up.',
    examples: [example.tradingPortfolioId],
  },
});
export const ActivateAccountBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "Why the account is activated by hand; recorded in the user's event stream.",
      examples: ['Identity checked by video call after the provider failed twice.'],
    }),
  },
  {
    additionalProperties: false,
    examples: [{ note: 'Identity checked by video call after the provider failed twice.' }],
  },
);
export const CreatePortfolioBody = Type.Object(
  {
    accountId: {
      ...IdParam,
      description: 'A validated (ACTIVE) account of a user the calling client signed up.',
      examples: [example.mainAccountId],
    },
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[^\\u0000-\\u001f\\u007f]+$',
      description: 'Unique per account, case-insensitively; no control characters.',
      examples: ['Main'],
    }),
  },
  { additionalProperties: false, examples: [{ accountId: example.mainAccountId, name: 'Main' }] },
);

export const PortfolioSummary = Type.Object({
  portfolioId: Uuid,
  name: Type.String(),
  portfolioAccountType: PortfolioAccountType,
});
export const AccountData = Type.Object({
  accountId: Uuid,
  userId: Uuid,
  kind: AccountKind,
  status: AccountStatus,
  openedAt: Instant,
  activatedAt: Type.Optional(Instant),
  portfolios: Type.Array(PortfolioSummary),
});
export const PortfolioData = Type.Object({
  portfolioId: Uuid,
  accountId: Uuid,
  name: Type.String(),
  portfolioAccountType: PortfolioAccountType,
  publicAddress: Type.String({
    description: 'The blockchain address deposits are sent to; its private key never reaches Tessera.',
  }),
  creationTs: Instant,
});
