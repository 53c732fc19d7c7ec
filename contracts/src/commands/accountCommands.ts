/** Accounts, KYC and portfolios. */
import { Type, type Static } from '@sinclair/typebox';
import { command } from './commandSchema.ts';

/** Another account (SUB) for a user of the calling client. */
export const OpenAccount = command('OpenAccount', Type.Object({ userId: Type.String() }));
/** Identity asks the KYC provider for an identification, within the attempts allowed. */
export const StartKyc = command('StartKyc', Type.Object({ userId: Type.String() }));
/** The provider's verdict, from a verified callback. */
export const RecordKycVerdict = command(
  'RecordKycVerdict',
  Type.Object({
    userId: Type.String(),
    identificationId: Type.String(),
    status: Type.Union([Type.Literal('APPROVED'), Type.Literal('REJECTED')]),
    reason: Type.Optional(Type.String()),
  }),
);
/** Manual activation by an account manager, with the reason. */
export const ActivateAccount = command(
  'ActivateAccount',
  Type.Object({ userId: Type.String(), accountId: Type.String(), note: Type.String() }),
);
/** A portfolio on a validated account; identity gets its public address from the wallet port. */
export const CreatePortfolio = command(
  'CreatePortfolio',
  Type.Object({ userId: Type.String(), accountId: Type.String(), name: Type.String() }),
);

export type OpenAccount = Static<typeof OpenAccount>;
export type StartKyc = Static<typeof StartKyc>;
export type RecordKycVerdict = Static<typeof RecordKycVerdict>;
export type ActivateAccount = Static<typeof ActivateAccount>;
export type CreatePortfolio = Static<typeof CreatePortfolio>;
