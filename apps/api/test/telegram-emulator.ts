import type { AddressInfo, Server } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

/**
 * Starts the telegram-test-api Bot API emulator on a free loopback port. (Its constructor turns
 * port 0 into 9000, so the port is set to 0 after construction and read back once listening.)
 */
export async function startTelegramEmulator(): Promise<TelegramServer> {
  const telegram = new TelegramServer({ host: '127.0.0.1', storeTimeout: 600 });
  telegram.config.port = 0;
  await telegram.start();
  const { port } = (telegram as unknown as { server: Server }).server.address() as AddressInfo;
  telegram.config.port = port;
  telegram.config.apiURL = `http://127.0.0.1:${port}`;
  return telegram;
}
