import type { Routes } from '@angular/router';
import { ToolsPage } from './tools.page';

export default [{ path: '', component: ToolsPage }] satisfies Routes;
