import { Global, Module } from '@nestjs/common';
import { ToolExecutor } from './tool-executor.js';
import { ToolRegistry } from './tool-registry.js';

/** The tool registry and the one executor every tool call goes through. Tools register themselves. */
@Global()
@Module({ providers: [ToolRegistry, ToolExecutor], exports: [ToolRegistry, ToolExecutor] })
export class ToolsModule {}
