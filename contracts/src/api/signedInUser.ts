/** The signed-in user, as a user token reads them. */
import { Type, type Static } from '@sinclair/typebox';
import { AccountSummary, PortfolioSummary } from './accounts.ts';
import { Instant, Uuid } from './fields.ts';

export const MeData = Type.Object({
  userId: Uuid,
  email: Type.String(),
  phoneNumber: Type.String({ description: 'E.164.' }),
  phoneVerified: Type.Boolean(),
  roles: Type.Array(Type.String()),
  userAccountStatus: Type.String({ description: 'PENDING_KYC, then ACTIVE.' }),
  kycStatus: Type.String({ description: 'NOT_STARTED, PENDING, APPROVED or REJECTED.' }),
  accounts: Type.Array(AccountSummary),
  portfolios: Type.Array(
    Type.Intersect([PortfolioSummary, Type.Object({ accountId: Uuid, publicAddress: Type.String() })]),
  ),
  createdAt: Instant,
  recoveryCodesLeft: Type.Integer({
    minimum: 0,
    description: 'How many recovery codes are left unused (POST /v1/user/recovery-codes); never the codes.',
  }),
});

export type MeData = Static<typeof MeData>;
