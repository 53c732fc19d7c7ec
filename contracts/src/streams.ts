/** Where events and commands travel: stream names, topics, and the consumer groups other services name. */

export const streams = {
  user: (userId: string) => `user-${userId}`,
  email: (keyedHash: string) => `email-${keyedHash}`,
  phone: (keyedHash: string) => `phone-${keyedHash}`,
  client: (clientId: string) => `client-${clientId}`,
  /** Auditors' reads of personal data, as the audit tools record them (PersonalDataDisclosedToAuditor). */
  auditAccess: 'audit-access',
} as const;

/** Kafka-style topic names shared by every adapter. */
export const topics = {
  identityEvents: 'identity.events.v1',
  identityCommands: 'identity.commands.v1',
  /** SMS the notifier gave up on, with the reason (never the code). */
  smsDeadLetter: 'notifier.dead-letter.v1',
  /** Providers' delivery reports, verified by the gateway, for the notifier. */
  smsDeliveryReports: 'notifier.delivery-reports.v1',
} as const;

/** Consumer groups other services name: a gateway is ready only while identity's has a live member. */
export const consumerGroups = {
  /** The identity instances, serving `identity.commands.v1`. */
  identityCommands: 'identity',
} as const;
