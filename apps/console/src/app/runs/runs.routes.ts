import type { Routes } from '@angular/router';
import { ConversationPage } from './conversation.page';
import { ConversationsPage } from './conversations.page';
import { RunDetailPage } from './run-detail.page';
import { RunsPage } from './runs.page';

export default [
  { path: '', component: RunsPage },
  { path: 'conversations', component: ConversationsPage, title: 'Conversations' },
  { path: 'conversations/:id', component: ConversationPage, title: 'Conversation' },
  { path: ':id', component: RunDetailPage, title: 'Run' },
] satisfies Routes;
