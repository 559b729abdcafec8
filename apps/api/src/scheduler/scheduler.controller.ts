import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { JobCreateDto, JobDto, JobRunDto, JobRunsQueryDto, SchedulerStatsDto } from './dto/job.dto.js';
import { SchedulerService } from './scheduler.service.js';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('scheduler')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('scheduler')
export class SchedulerController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Get('jobs')
  @ApiOkResponse({ type: [JobDto] })
  listJobs(): Promise<JobDto[]> {
    return this.scheduler.list();
  }

  @Post('jobs')
  @ApiCreatedResponse({ type: JobDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createJob(@Body() body: JobCreateDto): Promise<JobDto> {
    return this.scheduler.create(body);
  }

  @Put('jobs/:id')
  @ApiOkResponse({ type: JobDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  updateJob(@Param('id', uuid) id: string, @Body() body: JobCreateDto): Promise<JobDto> {
    return this.scheduler.update(id, body);
  }

  @Delete('jobs/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  deleteJob(@Param('id', uuid) id: string): Promise<void> {
    return this.scheduler.remove(id);
  }

  @Post('jobs/:id/toggle')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: JobDto, description: 'Enabled (from now on) or disabled' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  toggleJob(@Param('id', uuid) id: string): Promise<JobDto> {
    return this.scheduler.toggle(id);
  }

  @Post('jobs/:id/run')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: JobRunDto, description: 'Fired now; follow it in /runs or GET /api/runs/:runId' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  runJob(@Param('id', uuid) id: string): Promise<JobRunDto> {
    return this.scheduler.runNow(id);
  }

  @Get('jobs/:id/runs')
  @ApiOkResponse({ type: [JobRunDto], description: 'Newest first' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  listJobRuns(@Param('id', uuid) id: string, @Query() query: JobRunsQueryDto): Promise<JobRunDto[]> {
    return this.scheduler.runs(id, query.limit ?? 50);
  }

  @Get('stats')
  @ApiOkResponse({ type: SchedulerStatsDto })
  getSchedulerStats(): Promise<SchedulerStatsDto> {
    return this.scheduler.stats();
  }
}
