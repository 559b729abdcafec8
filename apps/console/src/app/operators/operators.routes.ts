import type { Routes } from '@angular/router';
import { OperatorsPage } from './operators.page';

export default [{ path: '', component: OperatorsPage }] satisfies Routes;
