import type { Routes } from '@angular/router';
import { ChannelsPage } from './channels.page';

export default [{ path: '', component: ChannelsPage }] satisfies Routes;
