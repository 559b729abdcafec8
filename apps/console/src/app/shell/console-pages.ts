import type { LoadChildren } from '@angular/router';
import type { ConsoleIcon } from '../core/ui/icons';

/** A page of the console: one side-nav entry and one lazy `<feature>.routes.ts`. */
export interface ConsolePage {
  path: string;
  label: string;
  icon: ConsoleIcon;
  loadChildren: LoadChildren;
  /** Only admins see it in the nav (viewers would get 403 from its API). */
  adminOnly?: true;
}

/**
 * Old paths of pages that moved: the Tools page became part of Skills (built-in tools are skills).
 */
export const MOVED_PAGES: readonly { path: string; to: string }[] = [{ path: 'tools', to: 'skills' }];

/**
 * The side nav lists exactly these pages, in this order, and the shell routes them; the first is the
 * landing page. Adding a page is one line here plus its feature folder.
 */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { path: 'overview', label: 'Overview', icon: 'dashboard', loadChildren: () => import('../overview/overview.routes') },
  { path: 'runs', label: 'Runs', icon: 'runs', loadChildren: () => import('../runs/runs.routes') },
  { path: 'agents', label: 'Agents', icon: 'groups', loadChildren: () => import('../agents/agents.routes') },
  { path: 'tasks', label: 'Tasks', icon: 'task', loadChildren: () => import('../tasks/tasks.routes') },
  {
    path: 'scheduler',
    label: 'Scheduler',
    icon: 'schedule',
    loadChildren: () => import('../scheduler/scheduler.routes'),
  },
  { path: 'channels', label: 'Channels', icon: 'chat', loadChildren: () => import('../channels/channels.routes') },
  { path: 'groups', label: 'Agent groups', icon: 'groups', loadChildren: () => import('../groups/groups.routes') },
  { path: 'skills', label: 'Skills', icon: 'tool', loadChildren: () => import('../skills/skills.routes') },
  {
    path: 'approvals',
    label: 'Approvals',
    icon: 'approval',
    loadChildren: () => import('../approvals/approvals.routes'),
  },
  { path: 'webhooks', label: 'Webhooks', icon: 'webhook', loadChildren: () => import('../webhooks/webhooks.routes') },
  { path: 'api-keys', label: 'API keys', icon: 'key', loadChildren: () => import('../api-keys/api-keys.routes') },
  { path: 'usage', label: 'Usage', icon: 'usage', loadChildren: () => import('../usage/usage.routes') },
  {
    path: 'operators',
    label: 'Operators',
    icon: 'account',
    loadChildren: () => import('../operators/operators.routes'),
  },
  {
    path: 'settings',
    label: 'Settings',
    icon: 'settings',
    loadChildren: () => import('../settings/settings.routes'),
    adminOnly: true,
  },
];
