import type { Routes } from '@angular/router';
import { LoginPage } from './login.page';

export default [{ path: '', component: LoginPage }] satisfies Routes;
