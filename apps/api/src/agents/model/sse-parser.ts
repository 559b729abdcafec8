import { StringDecoder } from 'node:string_decoder';

/**
 * Server-sent events from a byte stream, whatever the chunking: bytes are decoded as UTF-8 across
 * chunk ends (a character cut in two waits for its second half), lines are cut at `\n` or `\r\n`, and
 * an event is dispatched at its blank line with its `event` name and its `data` lines joined by `\n`.
 * Comments (`:`) and other fields are skipped; an event without a blank line after it is dropped.
 */
export class SseParser {
  readonly #decoder = new StringDecoder('utf8');
  readonly #onEvent: (event: string, data: string) => void;
  #rest = '';
  #event = '';
  #data: string | null = null;

  constructor(onEvent: (event: string, data: string) => void) {
    this.#onEvent = onEvent;
  }

  push(chunk: Buffer): void {
    const text = this.#rest + this.#decoder.write(chunk);
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.#line(text.slice(start, end));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.#rest = start === 0 ? text : text.slice(start);
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data !== null) this.#onEvent(this.#event || 'message', this.#data);
      this.#event = '';
      this.#data = null;
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return; // a comment
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (field === 'data') this.#data = this.#data === null ? value : `${this.#data}\n${value}`;
    else if (field === 'event') this.#event = value;
  }
}
