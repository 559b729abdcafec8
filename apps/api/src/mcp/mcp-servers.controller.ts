import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { McpServerCreateDto, McpServerResponseDto, McpServerUpdateDto } from './dto/mcp-server.dto.js';
import { McpServersService } from './mcp-servers.service.js';

@ApiTags('mcp-servers')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('mcp-servers')
export class McpServersController {
  constructor(private readonly servers: McpServersService) {}

  @Get()
  @ApiOkResponse({ type: [McpServerResponseDto], description: 'Every MCP server, with its state and tools' })
  listMcpServers(): Promise<McpServerResponseDto[]> {
    return this.servers.list();
  }

  @Post()
  @ApiCreatedResponse({ type: McpServerResponseDto, description: 'Added; it connects in the background' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is in use' })
  createMcpServer(@Body() body: McpServerCreateDto): Promise<McpServerResponseDto> {
    return this.servers.create(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: McpServerResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getMcpServer(@Param('id', ParseUUIDPipe) id: string): Promise<McpServerResponseDto> {
    return this.servers.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: McpServerResponseDto, description: 'Saved; the server reconnects with the new settings' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is in use' })
  updateMcpServer(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: McpServerUpdateDto,
  ): Promise<McpServerResponseDto> {
    return this.servers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async deleteMcpServer(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.servers.remove(id);
  }

  @Post(':id/refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: McpServerResponseDto, description: 'After reconnecting or listing its tools again' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The server is disabled' })
  refreshMcpServer(@Param('id', ParseUUIDPipe) id: string): Promise<McpServerResponseDto> {
    return this.servers.refresh(id);
  }
}
