import makeWASocket, {
  type AnyMessageContent,
  type BaileysEventEmitter,
  type BaileysEventMap,
  type BinaryNode,
  type Contact,
  type MiscMessageGenerationOptions,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageKey,
  type WAPresence,
} from '@whiskeysockets/baileys';

/**
 * The part of Baileys' socket (`makeWASocket`) the adapter uses. The adapter gets it from a
 * factory, so tests drive it with Baileys' own event emitter instead of WhatsApp's servers.
 */
export interface WhatsAppSocket {
  /** Baileys' buffered event emitter; `process` hands over every batch of events. */
  readonly ev: BaileysEventEmitter & {
    process(handler: (events: Partial<BaileysEventMap>) => void | Promise<void>): () => void;
  };
  /** The linked account once paired. */
  readonly user: Contact | undefined;
  /** The raw WebSocket: each `frame` from WhatsApp's servers counts as traffic for the watchdog. */
  readonly ws?: { on(event: 'frame', listener: () => void): unknown };
  sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** Sends a node and waits for the answer (the watchdog's ping). */
  query(node: BinaryNode, timeoutMs?: number): Promise<unknown>;
  /** Closes the connection; a `connection.update` with `connection: 'close'` follows. */
  end(error: Error | undefined): void | Promise<void>;
}

export type WhatsAppSocketFactory = (config: UserFacingSocketConfig) => WhatsAppSocket;

/** Baileys' own socket to WhatsApp's servers. */
export const baileysSocket: WhatsAppSocketFactory = (config) => makeWASocket(config);
