import type { Routes } from '@angular/router';
import { GroupsPage } from './groups.page';

export default [{ path: '', component: GroupsPage }] satisfies Routes;
