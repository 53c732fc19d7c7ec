/** Accounts, KYC and portfolios, on a user named by id. */
import { randomUUID } from 'node:crypto';
import { kycStartRefusal, portfolioRefusal } from '../../domain/accountsDecider.ts';
import { answerWithoutUser } from '../../domain/userDecider.ts';
import { accountOf } from '../../domain/userState.ts';
import { replyTo, type CommandHandler, type CommandHandlers } from './commandHandler.ts';

const openAccount: CommandHandler<'OpenAccount'> = async (command, context) => {
  const { userId } = command.payload;
  const accountId = randomUUID();
  const outcome = await context.decideOnUser(command, userId, { type: 'OpenAccount', accountId });
  return replyTo(outcome, () => ({
    userId,
    accountId,
    kind: 'SUB' as const,
    status: accountOf(outcome.state, accountId)?.status === 'ACTIVE' ? ('ACTIVE' as const) : ('PENDING_KYC' as const),
  }));
};

const startKyc: CommandHandler<'StartKyc'> = async (command, context) => {
  const { userId } = command.payload;
  const { kycProvider, config } = context;
  // Checked before the provider is asked: a refused start must cost the partner nothing.
  const user = await context.loadUser(userId);
  const refusal = answerWithoutUser('StartKyc', user)?.rejection?.error ?? kycStartRefusal(user, config.kycMaxAttempts);
  if (refusal) return { ok: false, error: refusal };
  let identification;
  try {
    identification = await kycProvider.startIdentification({ userId });
  } catch {
    return { ok: false, error: 'DEPENDENCY_UNAVAILABLE' };
  }
  const { identificationId, identificationUrl } = identification;
  const outcome = await context.decideOnUser(command, userId, {
    type: 'StartKyc',
    identificationId,
    provider: kycProvider.name,
    maxAttempts: config.kycMaxAttempts,
  });
  const numberOfAttempts = outcome.state.kyc.attempts;
  return replyTo(outcome, () => ({
    identificationId,
    identificationUrl,
    numberOfAttempts,
    attemptsLeft: Math.max(0, config.kycMaxAttempts - numberOfAttempts),
  }));
};

const recordKycVerdict: CommandHandler<'RecordKycVerdict'> = async (command, context) => {
  const { userId, identificationId, status, reason } = command.payload;
  const outcome = await context.decideOnUser(command, userId, {
    type: 'RecordKycVerdict',
    identificationId,
    status,
    ...(reason ? { reason: reason.slice(0, 500) } : {}),
  });
  const activatedAccountIds = outcome.decision.events.flatMap((event) =>
    event.type === 'AccountActivated' ? [event.data.accountId] : [],
  );
  return replyTo(outcome, () => ({ userId, identificationId, kycStatus: status, activatedAccountIds }));
};

const activateAccount: CommandHandler<'ActivateAccount'> = async (command, context) => {
  const { userId, accountId, note } = command.payload;
  const outcome = await context.decideOnUser(command, userId, {
    type: 'ActivateAccount',
    accountId,
    note: note.slice(0, 500),
    activatedBy: command.metadata.clientId,
  });
  return replyTo(outcome, () => ({ userId, accountId, status: 'ACTIVE' as const }));
};

const createPortfolio: CommandHandler<'CreatePortfolio'> = async (command, context) => {
  const { userId, accountId, name } = command.payload;
  // Checked before the wallet is asked, so a refused portfolio leaves no address behind.
  const user = await context.loadUser(userId);
  const refusal =
    answerWithoutUser('CreatePortfolio', user)?.rejection?.error ?? portfolioRefusal(user, accountId, name);
  if (refusal) return { ok: false, error: refusal };
  const portfolioId = randomUUID();
  let publicAddress: string;
  try {
    ({ publicAddress } = await context.wallet.issueAddress({ portfolioId }));
  } catch {
    return { ok: false, error: 'DEPENDENCY_UNAVAILABLE' };
  }
  const outcome = await context.decideOnUser(command, userId, {
    type: 'CreatePortfolio',
    accountId,
    portfolioId,
    name,
    publicAddress,
  });
  const created = outcome.decision.events.find((event) => event.type === 'PortfolioCreated');
  return replyTo(outcome, () => ({
    userId,
    accountId,
    portfolioId,
    name,
    publicAddress,
    portfolioAccountType: created?.type === 'PortfolioCreated' ? created.data.portfolioAccountType : 'STANDARD',
    creationTs: context.clock().toISOString(),
  }));
};

export const accountHandlers: CommandHandlers<
  'OpenAccount' | 'StartKyc' | 'RecordKycVerdict' | 'ActivateAccount' | 'CreatePortfolio'
> = {
  OpenAccount: openAccount,
  StartKyc: startKyc,
  RecordKycVerdict: recordKycVerdict,
  ActivateAccount: activateAccount,
  CreatePortfolio: createPortfolio,
};
