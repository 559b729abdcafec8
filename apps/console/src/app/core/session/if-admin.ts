import { Directive, type Signal, TemplateRef, ViewContainerRef, computed, effect, inject } from '@angular/core';
import { SessionStore } from './session.store';

/** Whether the signed-in operator may change things (admins; viewers only look). */
export function canChange(session: SessionStore): boolean {
  return session.user()?.role === 'admin';
}

/** `canChange` as a signal, for controls that stay visible but off for viewers (switches). */
export function injectCanChange(): Signal<boolean> {
  const session = inject(SessionStore);
  return computed(() => canChange(session));
}

/**
 * Shows its element only to admins: `<button *lgIfAdmin …>Delete</button>`. Viewers see the page
 * without the buttons the gateway would refuse them (403) anyway.
 */
@Directive({ selector: '[lgIfAdmin]' })
export class IfAdmin {
  private readonly admin = injectCanChange();

  constructor() {
    const template = inject(TemplateRef);
    const container = inject(ViewContainerRef);
    let shown = false;
    effect(() => {
      if (this.admin() && !shown) {
        container.createEmbeddedView(template);
        shown = true;
      } else if (!this.admin() && shown) {
        container.clear();
        shown = false;
      }
    });
  }
}
