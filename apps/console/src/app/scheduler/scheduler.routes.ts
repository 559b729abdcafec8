import type { Routes } from '@angular/router';
import { SchedulerPage } from './scheduler.page';

export default [{ path: '', component: SchedulerPage }] satisfies Routes;
