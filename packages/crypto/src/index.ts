export * from './passwordHasher.ts';
export * from './otp.ts';
export * from './hashing.ts';
export * from './sealing.ts';
export * from './signingKey.ts';
export * from './aead.ts';
export * from './channel.ts';
