import type { Routes } from '@angular/router';
import { TaskDetailPage } from './task-detail.page';
import { TasksPage } from './tasks.page';

export default [
  { path: '', component: TasksPage },
  { path: ':id', component: TaskDetailPage, title: 'Task' },
] satisfies Routes;
