import { Global, Module } from '@nestjs/common';
import { BUILTIN_TOOL_PROVIDERS } from './builtin-tools.js';
import { AddressGuard } from './net/address-guard.js';
import { ToolExecutor } from './tool-executor.js';
import { ToolRegistry } from './tool-registry.js';
import { ToolsController } from './tools.controller.js';
import { ToolsRepository } from './tools.repository.js';
import { ToolsService } from './tools.service.js';
import { ScreenshotStore } from './web-browse/screenshot-store.js';

/**
 * The tool registry and the one executor every tool call goes through; the built-in tools and the
 * registry API. Other tools (skills) register themselves.
 */
@Global()
@Module({
  controllers: [ToolsController],
  providers: [ToolRegistry, ToolExecutor, ToolsService, ToolsRepository, ...BUILTIN_TOOL_PROVIDERS],
  exports: [ToolRegistry, ToolExecutor, ToolsService, ToolsRepository, AddressGuard, ScreenshotStore],
})
export class ToolsModule {}
