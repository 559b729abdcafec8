import type { Routes } from '@angular/router';
import { ApiKeysPage } from './api-keys.page';

export default [{ path: '', component: ApiKeysPage }] satisfies Routes;
