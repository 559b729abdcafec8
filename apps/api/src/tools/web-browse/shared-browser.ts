import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Browser, Page } from 'puppeteer-core';
import type { GuardedProxy } from '../net/guarded-proxy.js';

const LAUNCH_TIMEOUT_MS = 20_000;

/**
 * Runs in every frame of a browsed page (cross-origin ones too) before the page's own scripts:
 * removes the APIs that send UDP past the guarded proxy (WebRTC's STUN/TURN and data channels,
 * WebTransport's QUIC), and window.open. Chromium's WebRTC IP-handling flag alone does not hold
 * headless; popups are refused as well because a new window would not get this script in time.
 */
const REMOVE_UDP_APIS = `(() => {
  for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel', 'RTCRtpSender',
    'RTCRtpReceiver', 'RTCRtpTransceiver', 'RTCIceTransport', 'RTCDtlsTransport', 'RTCSctpTransport', 'WebTransport']) {
    try { delete window[name]; } catch {}
  }
  try { window.open = () => null; } catch {}
})();`;

/**
 * One headless Chromium for every web_browse call, launched on first use and launched again when it
 * has died. Each call gets a fresh browser context (no cookies or storage shared between calls),
 * closed afterwards. All traffic goes through the guarded proxy.
 */
export class SharedBrowser implements OnModuleDestroy {
  private readonly logger = new Logger(SharedBrowser.name);
  private browser: Browser | null = null;
  private launching: Promise<Browser> | null = null;
  private closed = false;

  constructor(
    private readonly executablePath: string,
    private readonly proxy: GuardedProxy,
  ) {}

  /** Runs `use` on a new page in a new context; aborting the signal closes the page. */
  async withPage<T>(signal: AbortSignal, use: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.get();
    const context = await browser.createBrowserContext();
    const close = () => void context.close().catch(() => undefined);
    signal.addEventListener('abort', close, { once: true });
    try {
      const page = await context.newPage();
      // Any other window the page manages to open is closed at once (the popup blocker refuses most).
      context.on('targetcreated', (target) => {
        if (target.type() === 'page' && target !== page.target())
          void target
            .page()
            .then((popup) => popup?.close())
            .catch(() => undefined);
      });
      await page.evaluateOnNewDocument(REMOVE_UDP_APIS);
      return await use(page);
    } finally {
      signal.removeEventListener('abort', close);
      await context.close().catch(() => undefined);
    }
  }

  /** The browser process's id while one runs. */
  pid(): number | undefined {
    return this.browser?.connected ? this.browser.process()?.pid : undefined;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const browser = this.browser ?? (await this.launching?.catch(() => null));
    this.browser = null;
    await browser?.close().catch(() => undefined);
    await this.proxy.close();
  }

  private get(): Promise<Browser> {
    if (this.closed) return Promise.reject(new Error('The gateway is shutting down'));
    if (this.browser?.connected) return Promise.resolve(this.browser);
    this.launching ??= this.launch().finally(() => (this.launching = null));
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const proxyUrl = await this.proxy.start();
    let browser: Browser;
    try {
      // The Chromium driver loads with the first web_browse call, not with every gateway.
      const { launch } = await import('puppeteer-core');
      browser = await launch({
        executablePath: this.executablePath,
        headless: true,
        timeout: LAUNCH_TIMEOUT_MS,
        // Puppeteer turns Chromium's popup blocker off by default; pages must not open windows.
        ignoreDefaultArgs: ['--disable-popup-blocking'],
        // The gateway handles its own signals and closes the browser on shutdown.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        // Not the gateway's environment: it holds secrets.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' },
        args: [
          `--proxy-server=${proxyUrl}`,
          '--proxy-bypass-list=<-loopback>', // Chromium skips the proxy for loopback unless told not to
          '--force-webrtc-ip-handling-policy=disable_non_proxied_udp', // not enough headless: see REMOVE_UDP_APIS
          '--disable-dev-shm-usage',
          ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), // Chromium refuses to sandbox as root
        ],
      });
    } catch (error) {
      throw new Error(
        `Chromium could not be started from ${this.executablePath} (CHROMIUM_PATH): ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.logger.log({ pid: browser.process()?.pid }, 'Chromium started');
    browser.once('disconnected', () => {
      if (this.browser === browser) this.browser = null;
      if (!this.closed) this.logger.warn('Chromium went away; the next web_browse call starts it again');
    });
    this.browser = browser;
    return browser;
  }
}
