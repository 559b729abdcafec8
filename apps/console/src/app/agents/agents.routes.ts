import type { Routes } from '@angular/router';
import { AgentsPage } from './agents.page';

export default [{ path: '', component: AgentsPage }] satisfies Routes;
