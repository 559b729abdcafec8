import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
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
import { LimitQueryDto } from '../common/limit-query.dto.js';
import { TaskCreateDto, TaskDetailDto, TaskDto, TaskOutputDto, TaskPromptDto } from './dto/task.dto.js';
import { TasksService } from './tasks.service.js';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('tasks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOkResponse({ type: [TaskDto], description: 'Newest first' })
  listTasks(@Query() query: LimitQueryDto): Promise<TaskDto[]> {
    return this.tasks.list(query.limit ?? 50);
  }

  @Post()
  @ApiCreatedResponse({ type: TaskDto, description: 'Stored and started' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createTask(@Body() body: TaskCreateDto): Promise<TaskDto> {
    return this.tasks.create(body, { kind: 'api' });
  }

  @Get(':id')
  @ApiOkResponse({ type: TaskDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getTask(@Param('id', uuid) id: string): Promise<TaskDetailDto> {
    return this.tasks.detail(id);
  }

  @Post(':id/start')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TaskDto, description: 'Working again from its last finished iteration' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Running, or completed' })
  startTask(@Param('id', uuid) id: string): Promise<TaskDto> {
    return this.tasks.start(id);
  }

  @Post(':id/stop')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TaskDto, description: '`stopping` until the iteration under way ends, then `stopped`' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not running' })
  stopTask(@Param('id', uuid) id: string): Promise<TaskDto> {
    return this.tasks.stop(id);
  }

  @Get(':id/prompt')
  @ApiOkResponse({ type: TaskPromptDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getTaskPrompt(@Param('id', uuid) id: string): Promise<TaskPromptDto> {
    return this.tasks.prompt(id);
  }

  @Get(':id/output')
  @ApiOkResponse({ type: TaskOutputDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getTaskOutput(@Param('id', uuid) id: string): Promise<TaskOutputDto> {
    return this.tasks.output(id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  deleteTask(@Param('id', uuid) id: string): Promise<void> {
    return this.tasks.remove(id);
  }
}
