/** A user's accounts, their KYC identifications and verdicts, and their portfolios. */
import { Type } from '@sinclair/typebox';
import { event, Id } from './eventSchema.ts';

export const accountEvents = {
  AccountOpened: event(
    'AccountOpened',
    1,
    Type.Object({
      userId: Id,
      accountId: Id,
      kind: Type.Union([Type.Literal('MAIN'), Type.Literal('SUB')]),
    }),
  ),
  KycStarted: event(
    'KycStarted',
    1,
    Type.Object({
      userId: Id,
      /** The provider's id of this identification; its verdict names it. */
      identificationId: Id,
      /** 1 for the first identification of the user, and so on; attempts are limited. */
      attempt: Type.Integer({ minimum: 1 }),
      provider: Type.String(),
    }),
  ),
  KycApproved: event('KycApproved', 1, Type.Object({ userId: Id, identificationId: Id })),
  KycRejected: event(
    'KycRejected',
    1,
    Type.Object({
      userId: Id,
      identificationId: Id,
      /** The provider's reason, as given (no document data). */
      reason: Type.Optional(Type.String({ maxLength: 500 })),
    }),
  ),
  AccountActivated: event(
    'AccountActivated',
    1,
    Type.Object({
      userId: Id,
      accountId: Id,
      /** KYC_APPROVED: the user's KYC verdict; MANUAL: an account manager, with a note. */
      reason: Type.Union([Type.Literal('KYC_APPROVED'), Type.Literal('MANUAL')]),
      /** The account manager's reason for a manual activation. */
      note: Type.Optional(Type.String({ maxLength: 500 })),
      /** The API client that activated it by hand. */
      activatedBy: Type.Optional(Id),
    }),
  ),
  PortfolioCreated: event(
    'PortfolioCreated',
    1,
    Type.Object({
      userId: Id,
      accountId: Id,
      portfolioId: Id,
      name: Type.String({ minLength: 1, maxLength: 64 }),
      /** The first portfolio of an account is its TRADING portfolio; later ones are STANDARD. */
      portfolioAccountType: Type.Union([Type.Literal('TRADING'), Type.Literal('STANDARD')]),
      /** Issued by the wallet port; its private key never reaches Tessera's log. */
      publicAddress: Type.String({ minLength: 1, maxLength: 128 }),
    }),
  ),
} as const;
