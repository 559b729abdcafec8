import type { Page } from 'puppeteer-core';
import { type AddressGuard, AddressRefusedError } from '../net/address-guard.js';
import { REFUSED_HEADER } from '../net/guarded-proxy.js';
import { portOf } from '../net/host-list.js';
import type { Tool, ToolContext, ToolResult } from '../tool.js';
import {
  inputObject,
  invalidInput,
  redirectNotFollowed,
  stringField,
  ToolInputError,
  urlDestination,
} from '../tool-input.js';
import type { ScreenshotStore } from './screenshot-store.js';
import type { SharedBrowser } from './shared-browser.js';

export const MAX_TEXT_CHARS = 100_000;
/** After the DOM is ready, how long to wait for the rest (images, scripts) before reading the text. */
const SETTLE_MS = 5_000;

/** `web_browse`: opens a page in headless Chromium and returns its readable text, optionally a screenshot. */
export class WebBrowseTool implements Tool {
  readonly name = 'web_browse';
  readonly description: string;
  readonly riskLevel = 'low' as const;
  readonly inputSchema = {
    type: 'object',
    properties: {
      url: { type: 'string', description: 'Absolute http:// or https:// URL of the page.' },
      screenshot: {
        type: 'boolean',
        description: 'Also save a screenshot of the page for the operator to see in the console.',
      },
    },
    required: ['url'],
    additionalProperties: false,
  };
  /** Page time plus starting the browser and taking the screenshot. */
  readonly timeoutMs: number;

  constructor(
    private readonly guard: AddressGuard,
    private readonly browser: SharedBrowser,
    private readonly screenshots: ScreenshotStore,
    private readonly pageTimeoutMs: number,
  ) {
    this.timeoutMs = pageTimeoutMs + 30_000;
    this.description =
      'Open a web page in a headless browser (JavaScript runs) and read its title and visible text. ' +
      `The page must load within ${Math.round(pageTimeoutMs / 1000)} seconds. Only public internet addresses ` +
      'can be reached (private, loopback and link-local ones are refused unless the operator allowed the host). ' +
      'The page is not followed to another host when the call needed approval or the run has read untrusted content.';
  }

  destinations(input: unknown): URL[] {
    return urlDestination(input);
  }

  async execute(input: unknown, context: ToolContext): Promise<ToolResult> {
    let url: string;
    let screenshot: boolean;
    try {
      const fields = inputObject(input, ['url', 'screenshot']);
      url = stringField(fields, 'url', { maxLength: 8000 });
      if (fields.screenshot !== undefined && typeof fields.screenshot !== 'boolean') {
        throw new ToolInputError('screenshot must be true or false');
      }
      screenshot = fields.screenshot === true;
    } catch (error) {
      if (error instanceof ToolInputError) return invalidInput(error);
      throw error;
    }
    try {
      // A clear answer for the page itself; the proxy holds everything else the page loads to the same rule.
      const checked = this.guard.checkUrl(url);
      await this.guard.resolve(checked.hostname, portOf(checked));
      return await this.browser.withPage(context.signal, async (page) => {
        const blocked = context.mayFollow ? await keepNavigationAt(page, checked, context.mayFollow) : () => null;
        try {
          const result = await this.read(page, checked.href, screenshot);
          const left = blocked(); // a script on the page tried to navigate away after it loaded
          return left ? { ...result, content: `${redirectNotFollowed(left)}\n${result.content}` } : result;
        } catch (error) {
          const target = blocked();
          if (!target) throw error;
          return {
            content: `${redirectNotFollowed(target)}\nThe page ${checked.href} redirected to ${target.href}.`,
            untrusted: true,
          };
        }
      });
    } catch (error) {
      if (context.signal.aborted) throw error; // the executor reports the timeout
      if (error instanceof AddressRefusedError) return { content: error.message, isError: true };
      return { content: `Browsing ${url} failed: ${describeError(error, this.pageTimeoutMs)}`, isError: true };
    }
  }

  private async read(page: Page, url: string, screenshot: boolean): Promise<ToolResult> {
    await page.setViewport({ width: 1280, height: 800 });
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: this.pageTimeoutMs });
    if (response?.headers()[REFUSED_HEADER]) return { content: await response.text(), isError: true };
    await page.waitForNetworkIdle({ idleTime: 500, timeout: SETTLE_MS }).catch(() => undefined);
    const { title, text } = (await page.evaluate(
      '({ title: document.title, text: document.body ? document.body.innerText : "" })',
    )) as { title: string; text: string };
    const lines = [`Title: ${title.trim() || '(none)'}`, `URL: ${page.url()}`];
    if (response) lines.push(`Status: ${response.status()}`);
    if (screenshot) {
      const id = await this.screenshots.save(await page.screenshot({ type: 'png' }));
      lines.push(`Screenshot: saved as ${id} (the operator can see it in the console)`);
    }
    const readable = text
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    lines.push(
      '',
      readable.length > MAX_TEXT_CHARS ? `${readable.slice(0, MAX_TEXT_CHARS)}\n[text truncated]` : readable,
    );
    return { content: lines.join('\n'), untrusted: true };
  }
}

/**
 * Stops the page's main frame from navigating (a redirect, a script) to another origin than `start`
 * unless `mayFollow` lets it. Returns what was stopped, if anything.
 */
async function keepNavigationAt(page: Page, start: URL, mayFollow: (url: URL) => boolean): Promise<() => URL | null> {
  let stopped: URL | null = null;
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const target = URL.canParse(request.url()) ? new URL(request.url()) : null;
    const leaves =
      request.isNavigationRequest() &&
      request.frame() === page.mainFrame() &&
      (!target || (target.origin !== start.origin && !mayFollow(target)));
    if (leaves) {
      stopped ??= target;
      void request.abort('blockedbyclient').catch(() => undefined);
    } else {
      void request.continue().catch(() => undefined);
    }
  });
  return () => stopped;
}

function describeError(error: unknown, pageTimeoutMs: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `the page did not load within ${Math.round(pageTimeoutMs / 1000)} seconds`;
  }
  if (message.includes('ERR_TUNNEL_CONNECTION_FAILED')) {
    return 'the connection was refused (the page or a redirect led to an address tools may not reach, or the server is unreachable)';
  }
  return message;
}
