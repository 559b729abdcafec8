import type { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { ContainerPool } from '../containers/container-pool.js';
import { ContainerScriptRunner } from '../containers/container-script-runner.js';
import { HttpRequestTool } from './http-request/http-request.tool.js';
import { AddressGuard } from './net/address-guard.js';
import { GuardedProxy } from './net/guarded-proxy.js';
import { ProcessScriptRunner } from './run-script/process-script-runner.js';
import { RunScriptTool } from './run-script/run-script.tool.js';
import { ScriptRunner } from './run-script/script-runner.js';
import type { Tool } from './tool.js';
import { ScreenshotStore } from './web-browse/screenshot-store.js';
import { SharedBrowser } from './web-browse/shared-browser.js';
import { WebBrowseTool } from './web-browse/web-browse.tool.js';

/** The built-in tools (http_request, run_script, web_browse), registered at start by ToolsService. */
export const BUILTIN_TOOLS = Symbol('BUILTIN_TOOLS');

/** The built-in tools and the side-effect providers they use, each replaceable in tests or by config. */
export const BUILTIN_TOOL_PROVIDERS: Provider[] = [
  {
    provide: AddressGuard,
    inject: [AppConfig],
    useFactory: (config: AppConfig) => new AddressGuard(config.toolAllowedHosts),
  },
  // Where scripts run: in the run's container in container mode, else a child process of the gateway.
  {
    provide: ScriptRunner,
    inject: [AppConfig, ContainerPool],
    useFactory: (config: AppConfig, pool: ContainerPool) =>
      config.container.enabled ? new ContainerScriptRunner(pool) : new ProcessScriptRunner(),
  },
  {
    provide: SharedBrowser,
    inject: [AppConfig, AddressGuard],
    useFactory: (config: AppConfig, guard: AddressGuard) =>
      new SharedBrowser(config.chromiumPath, new GuardedProxy(guard)),
  },
  {
    provide: ScreenshotStore,
    inject: [AppConfig],
    useFactory: (config: AppConfig) => new ScreenshotStore(join(config.dataDir, 'screenshots')),
  },
  {
    provide: BUILTIN_TOOLS,
    inject: [AppConfig, AddressGuard, ScriptRunner, SharedBrowser, ScreenshotStore],
    useFactory: (
      config: AppConfig,
      guard: AddressGuard,
      runner: ScriptRunner,
      browser: SharedBrowser,
      screenshots: ScreenshotStore,
    ): Tool[] => [
      new HttpRequestTool(guard),
      new RunScriptTool(runner, config.scriptTimeoutMs),
      new WebBrowseTool(guard, browser, screenshots, config.browseTimeoutMs),
    ],
  },
];
