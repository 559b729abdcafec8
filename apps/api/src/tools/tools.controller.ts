import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Put,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { createReadStream } from 'node:fs';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ToolResponseDto, ToolUpdateDto } from './dto/tool.dto.js';
import { ToolsService } from './tools.service.js';
import { ScreenshotStore } from './web-browse/screenshot-store.js';

@ApiTags('tools')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('tools')
export class ToolsController {
  constructor(
    private readonly tools: ToolsService,
    private readonly screenshots: ScreenshotStore,
  ) {}

  @Get()
  @ApiOkResponse({ type: [ToolResponseDto], description: 'Every tool the gateway has, enabled or not' })
  listTools(): ToolResponseDto[] {
    return this.tools.list();
  }

  @Put(':name')
  @ApiOkResponse({ type: ToolResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  updateTool(@Param('name') name: string, @Body() body: ToolUpdateDto): Promise<ToolResponseDto> {
    return this.tools.setEnabled(name, body.enabled);
  }

  @Get('screenshots/:id')
  @ApiProduces('image/png', 'image/jpeg', 'image/gif', 'image/webp')
  @ApiOkResponse({
    description: 'A screenshot web_browse took (PNG) or an image an MCP tool returned (PNG, JPEG, GIF or WebP)',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async getToolScreenshot(
    @Param(
      'id',
      new ParseUUIDPipe({
        version: '4',
        exceptionFactory: () => new BadRequestException('id must be a screenshot id (a UUID)'),
      }),
    )
    id: string,
  ): Promise<StreamableFile> {
    const found = await this.screenshots.find(id);
    if (!found) throw new NotFoundException(`Screenshot ${id} not found`);
    return new StreamableFile(createReadStream(found.file), { type: found.type });
  }
}
