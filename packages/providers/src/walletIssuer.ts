/**
 * The wallet port: a new blockchain address for a portfolio. Only the public
 * address comes back; the private key stays with the wallet (custody) and
 * never reaches Tessera's log.
 */
export interface WalletIssuer {
  readonly name: string;
  /** @throws when the wallet cannot be reached; no address was issued then. */
  issueAddress(request: { portfolioId: string }): Promise<{ publicAddress: string }>;
}
