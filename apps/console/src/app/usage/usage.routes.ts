import type { Routes } from '@angular/router';
import { UsagePage } from './usage.page';

export default [{ path: '', component: UsagePage }] satisfies Routes;
