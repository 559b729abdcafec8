import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RunOriginDto } from '../../agents/dto/run.dto.js';
import type { IterationPhase, IterationStatus } from '../entities/task-iteration.entity.js';
import type { TaskCompletion, TaskStatus } from '../entities/task.entity.js';
import { Optional } from '../../common/validation.js';

const TASK_STATUSES: TaskStatus[] = ['running', 'stopping', 'stopped', 'completed', 'failed', 'budget_exhausted'];

export class TaskCreateDto {
  @ApiProperty({ example: 'Competitor report', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ description: 'What every build iteration works on', maxLength: 100_000 })
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  prompt!: string;

  @ApiProperty({ minimum: 1, maximum: 1000, example: 10, description: 'Build iterations at most' })
  @IsInt()
  @Min(1)
  @Max(1000)
  maxIterations!: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Agent group whose prompt, model, tools and budget apply' })
  @Optional()
  @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({
    maxLength: 100_000,
    description: 'When given, a plan iteration comes first; build iterations then work through the plan',
  })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  planPrompt?: string;
}

export class TaskIterationDto {
  @ApiProperty({ description: '0 is the plan' }) number!: number;
  @ApiProperty({ enum: ['plan', 'build'] }) phase!: IterationPhase;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) runId!: string | null;
  @ApiProperty({ enum: ['running', 'done', 'failed'] }) status!: IterationStatus;
  @ApiProperty({ type: String, nullable: true }) summary!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) finishedAt!: string | null;
}

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty({ description: 'Build iterations finished' }) iterations!: number;
  @ApiProperty() maxIterations!: number;
  @ApiProperty({ type: String, nullable: true }) groupId!: string | null;
  @ApiProperty({ description: 'Whether a plan iteration comes first' }) planned!: boolean;
  @ApiProperty({ enum: ['marker', 'max_iterations'], nullable: true, type: String }) completion!: TaskCompletion | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: RunOriginDto }) origin!: RunOriginDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) finishedAt!: string | null;
}

export class TaskDetailDto extends TaskDto {
  @ApiProperty({ type: [TaskIterationDto] }) iterationLog!: TaskIterationDto[];
}

/** The task's prompt file: what every iteration reads. */
export class TaskPromptDto {
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty({ type: String, nullable: true }) planPrompt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The plan the plan iteration wrote' }) plan!: string | null;
}

/** The task's output file: what the build iterations produced so far. */
export class TaskOutputDto {
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty() iterations!: number;
  @ApiProperty() output!: string;
}
