import { createHash } from 'node:crypto';
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  type SignalDataSet,
  type SignalDataTypeMap,
  initAuthCreds,
  proto,
} from '@whiskeysockets/baileys';
import type { AdapterStore } from '../adapters/channel-adapter.js';

/** The store key of the account's credentials. */
export const CREDS_KEY = 'creds';
/** The store's key column holds at most this many characters. */
const MAX_KEY_LENGTH = 200;

/** A Baileys auth state kept in the channel's encrypted store, and what writes it. */
export interface StoredAuthState {
  state: AuthenticationState;
  /** Whether the credentials came from the store (a paired session) rather than fresh. */
  restored: boolean;
  /** Writes the current credentials (Baileys changes them in place; `creds.update` says when). */
  saveCreds(): Promise<void>;
  /** Waits for the writes under way, so nothing lands after a `clear`. */
  settle(): Promise<void>;
}

/**
 * The WhatsApp session (Baileys' AuthenticationState) in the channel's durable store instead of a
 * folder: `creds` under one key, each Signal key under `<type>-<id>`, all JSON with Baileys'
 * BufferJSON (Buffers survive) and sealed by the store (SecretBox). Key writes Baileys batches come
 * in one `setMany` (one transaction); a null value deletes its key.
 */
export async function useStoredAuthState(store: AdapterStore): Promise<StoredAuthState> {
  const stored = await store.get(CREDS_KEY);
  const creds: AuthenticationCreds = stored
    ? (JSON.parse(stored, BufferJSON.reviver) as AuthenticationCreds)
    : initAuthCreds();
  const pending = new Set<Promise<void>>();
  const track = (write: Promise<void>): Promise<void> => {
    pending.add(write);
    return write.finally(() => pending.delete(write));
  };
  // Credentials are written one after the other, so an older copy never overwrites a newer one.
  let credsWrites: Promise<void> = Promise.resolve();

  return {
    restored: Boolean(stored),
    state: {
      creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const keyOf = new Map(ids.map((id) => [id, signalKey(type, id)]));
          const values = await store.getMany([...keyOf.values()]);
          const result: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            const raw = values[keyOf.get(id)!];
            if (raw === null || raw === undefined) continue;
            let value: unknown = JSON.parse(raw, BufferJSON.reviver);
            if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            result[id] = value as SignalDataTypeMap[T];
          }
          return result;
        },
        set: (data: SignalDataSet) => {
          const entries: Record<string, string | null> = {};
          for (const [type, values] of Object.entries(data)) {
            for (const [id, value] of Object.entries(values ?? {})) {
              entries[signalKey(type, id)] = value ? JSON.stringify(value, BufferJSON.replacer) : null;
            }
          }
          return track(store.setMany(entries));
        },
      },
    },
    saveCreds: () => {
      const json = JSON.stringify(creds, BufferJSON.replacer);
      credsWrites = credsWrites.catch(() => undefined).then(() => store.set(CREDS_KEY, json));
      return track(credsWrites);
    },
    settle: async () => {
      await Promise.allSettled([...pending]);
    },
  };
}

/** `<type>-<id>`; an id too long for the key column is replaced by its SHA-256 (the same every time). */
export function signalKey(type: string, id: string): string {
  const key = `${type}-${id}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${type}-sha256-${createHash('sha256').update(id).digest('hex')}`;
}
