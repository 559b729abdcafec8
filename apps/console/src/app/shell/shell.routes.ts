import type { Routes } from '@angular/router';
import { CONSOLE_PAGES, MOVED_PAGES } from './console-pages';
import { Shell } from './shell';

export default [
  {
    path: '',
    component: Shell,
    children: [
      ...CONSOLE_PAGES.map(({ path, label, loadChildren }) => ({ path, title: label, loadChildren })),
      ...MOVED_PAGES.map(({ path, to }) => ({ path, pathMatch: 'full' as const, redirectTo: to })),
      { path: '', pathMatch: 'full', redirectTo: CONSOLE_PAGES[0].path },
    ],
  },
] satisfies Routes;
