import type { Routes } from '@angular/router';
import { RunDetailPage } from './run-detail.page';
import { RunsPage } from './runs.page';

export default [
  { path: '', component: RunsPage },
  { path: ':id', component: RunDetailPage, title: 'Run' },
] satisfies Routes;
