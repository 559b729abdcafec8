import { Injectable, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { type RouterStateSnapshot, TitleStrategy } from '@angular/router';

export const PRODUCT_NAME = 'Loop Gateway';

/**
 * The browser tab's title: "Overview · Loop Gateway", with what needs a person in front —
 * "(2) Overview · Loop Gateway" while two tool calls wait for approval — so a background tab says so.
 */
@Injectable({ providedIn: 'root' })
export class ConsoleTitle {
  private readonly title = inject(Title);
  private readonly page = signal<string | undefined>(undefined);
  private readonly waiting = signal(0);

  setPage(page: string | undefined): void {
    this.page.set(page);
    this.render();
  }

  /** How many things wait for the operator (0 hides the count). */
  setWaiting(count: number): void {
    this.waiting.set(count);
    this.render();
  }

  private render(): void {
    const page = this.page();
    const base = page ? `${page} · ${PRODUCT_NAME}` : PRODUCT_NAME;
    const waiting = this.waiting();
    this.title.setTitle(waiting > 0 ? `(${waiting}) ${base}` : base);
  }
}

/** Page titles come from the routes; the count of waiting approvals is added by the shell. */
@Injectable()
export class ConsoleTitleStrategy extends TitleStrategy {
  private readonly title = inject(ConsoleTitle);

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.title.setPage(this.buildTitle(snapshot));
  }
}
