import type { Routes } from '@angular/router';
import { WebhooksPage } from './webhooks.page';

export default [{ path: '', component: WebhooksPage }] satisfies Routes;
