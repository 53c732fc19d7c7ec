/**
 * The KYC provider port: starts an identification of a user and says where
 * the user goes to be identified. The verdict arrives later, on the signed
 * callback (`POST /v1/kyc/callback`), naming the identification.
 */
export interface KycIdentification {
  /** The provider's id of this identification: letters, digits and dashes, at most 64. */
  identificationId: string;
  /** Where the user is sent to be identified. */
  identificationUrl: string;
}

export interface KycProvider {
  /** Names the provider in events (`KycStarted.provider`). */
  readonly name: string;
  /** @throws when the provider cannot be reached; nothing was started then. */
  startIdentification(request: { userId: string }): Promise<KycIdentification>;
}
