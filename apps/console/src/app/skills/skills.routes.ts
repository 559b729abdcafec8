import type { Routes } from '@angular/router';
import { SkillsPage } from './skills.page';

export default [{ path: '', component: SkillsPage }] satisfies Routes;
