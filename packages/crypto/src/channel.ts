/**
 * A sealed channel from many senders to one recipient key pair (identity's
 * command key): what the gateway sends and what identity answers cross the
 * bus readable by nobody else.
 *
 * Each sender draws one X25519 key pair when it starts and agrees session keys
 * with the recipient's public key once (libsodium's crypto_kx); every message
 * is then XChaCha20-Poly1305 under those keys. The recipient agrees the same
 * keys once per sender key it sees and keeps them for the next messages. A
 * sealed box per message (crypto_box_seal) costs one X25519 agreement on each
 * side for every command; this costs one per sender for the process's life.
 *
 * The protection is the same as a sealed box's: only the recipient's secret
 * key (with the public key carried in the message) opens a request, and a
 * reply opens only for the sender of that request, and only as the answer to
 * that request (its associated data names the request's nonce).
 *
 * Wire form, base64: version (1 byte) ‖ sender public key (32) ‖ nonce (24) ‖ ciphertext ‖ tag (16).
 */
import { LRUCache } from 'lru-cache';
import sodium from 'sodium-native';
import { aeadDecrypt, aeadEncrypt } from './aead.ts';
import { parseAndWipe, toJsonBytes } from './jsonBytes.ts';
import type { BoxKeyPair } from './sealing.ts';

const VERSION = 1;
const PUBLIC_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const HEADER_BYTES = 1 + PUBLIC_KEY_BYTES;
const REQUEST = 'channel.request';
const replyContext = (requestNonce: Buffer) => `channel.reply.${requestNonce.toString('base64')}`;

export interface SealedRequest {
  sealed: string;
  /** Opens the reply to this request; undefined for anything else. */
  openReply<T>(sealedReply: string): T | undefined;
}

/** The sending side: the gateway's channel to identity. */
export interface SendingChannel {
  /** Seals a value (a password, a code) for the recipient alone. */
  seal(value: unknown): string;
  /** Seals a request whose reply only this sender can open. */
  sealRequest(value: unknown): SealedRequest;
}

export interface OpenedRequest<T> {
  value: T;
  /** Seals the answer so that only this request's sender can open it. */
  sealReply(value: unknown): string;
}

/** The receiving side: identity opening what senders sealed to its key pair. */
export interface ReceivingChannel {
  /** Opens a value or request; undefined when it was not sealed to this key pair, or was altered. */
  open<T>(sealed: string): OpenedRequest<T> | undefined;
}

interface SessionKeys {
  /** Sender → recipient. */
  request: Buffer;
  /** Recipient → sender. */
  reply: Buffer;
}

/**
 * A channel to `recipientPublicKey` under a key pair drawn for this sender's
 * life. The keys are agreed on first use, which throws if the recipient's key
 * allows no agreement.
 */
export function createSendingChannel(recipientPublicKey: Buffer): SendingChannel {
  let session: { keys: SessionKeys; header: Buffer } | undefined;
  const open = () => {
    if (session) return session;
    const publicKey = Buffer.alloc(sodium.crypto_kx_PUBLICKEYBYTES);
    const secretKey = Buffer.alloc(sodium.crypto_kx_SECRETKEYBYTES);
    sodium.crypto_kx_keypair(publicKey, secretKey);
    const keys: SessionKeys = {
      request: Buffer.alloc(sodium.crypto_kx_SESSIONKEYBYTES),
      reply: Buffer.alloc(sodium.crypto_kx_SESSIONKEYBYTES),
    };
    try {
      sodium.crypto_kx_client_session_keys(keys.reply, keys.request, publicKey, secretKey, recipientPublicKey);
    } finally {
      // Only the session keys are needed from here on.
      sodium.sodium_memzero(secretKey);
    }
    session = { keys, header: Buffer.concat([Buffer.from([VERSION]), publicKey]) };
    return session;
  };

  const seal = (value: unknown) => {
    const { keys, header } = open();
    const message = toJsonBytes(value);
    const box = aeadEncrypt(keys.request, message, REQUEST);
    sodium.sodium_memzero(message);
    return { sealed: Buffer.concat([header, box]).toString('base64'), nonce: box.subarray(0, NONCE_BYTES) };
  };
  return {
    seal: (value) => seal(value).sealed,
    sealRequest(value) {
      const { sealed, nonce } = seal(value);
      const context = replyContext(nonce);
      const { keys } = open();
      return {
        sealed,
        openReply: <T>(sealedReply: string) =>
          parseAndWipe<T>(aeadDecrypt(keys.reply, Buffer.from(sealedReply, 'base64'), context)),
      };
    },
  };
}

/**
 * Opens what senders sealed to `keyPair`. Session keys are kept for the
 * `maxSenders` most recent sender keys (default 1,024); a sender seen again
 * after that costs one key agreement, as before.
 */
export function createReceivingChannel(keyPair: BoxKeyPair, options: { maxSenders?: number } = {}): ReceivingChannel {
  const maxSenders = options.maxSenders ?? 1024;
  const sessions = new LRUCache<string, SessionKeys>({ max: maxSenders });

  function sessionFor(senderPublicKey: Buffer): SessionKeys | undefined {
    const id = senderPublicKey.toString('base64');
    const known = sessions.get(id);
    if (known) return known;
    const keys: SessionKeys = {
      request: Buffer.alloc(sodium.crypto_kx_SESSIONKEYBYTES),
      reply: Buffer.alloc(sodium.crypto_kx_SESSIONKEYBYTES),
    };
    try {
      sodium.crypto_kx_server_session_keys(
        keys.request,
        keys.reply,
        keyPair.publicKey,
        keyPair.secretKey,
        senderPublicKey,
      );
    } catch {
      // A low-order point: no key agreement is possible with it.
      return undefined;
    }
    // Only keys that opened a message are kept (see open), so forged sender keys cannot push real senders out.
    return keys;
  }

  function remember(senderPublicKey: Buffer, keys: SessionKeys): void {
    const id = senderPublicKey.toString('base64');
    if (!sessions.has(id)) sessions.set(id, keys);
  }

  return {
    open<T>(sealed: string): OpenedRequest<T> | undefined {
      const bytes = Buffer.from(sealed, 'base64');
      if (bytes.length < HEADER_BYTES + NONCE_BYTES || bytes[0] !== VERSION) return undefined;
      const senderPublicKey = Buffer.from(bytes.subarray(1, HEADER_BYTES));
      const keys = sessionFor(senderPublicKey);
      if (!keys) return undefined;
      const box = bytes.subarray(HEADER_BYTES);
      const plain = aeadDecrypt(keys.request, box, REQUEST);
      if (!plain) return undefined;
      const value = parseAndWipe<T>(plain);
      if (value === undefined) return undefined;
      remember(senderPublicKey, keys);
      const context = replyContext(Buffer.from(box.subarray(0, NONCE_BYTES)));
      return { value, sealReply: (reply) => aeadEncrypt(keys.reply, toJsonBytes(reply), context).toString('base64') };
    },
  };
}
