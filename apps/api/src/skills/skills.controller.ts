import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
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
import { CurrentAuth } from '../auth/current-auth.decorator.js';
import type { AuthContext } from '../auth/session.service.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  SkillCreateDto,
  SkillResponseDto,
  SkillToggleDto,
  SkillTryDto,
  SkillTryResponseDto,
  SkillUpdateDto,
} from './dto/skill.dto.js';
import { SkillsService } from './skills.service.js';

@ApiTags('skills')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('skills')
export class SkillsController {
  constructor(private readonly skills: SkillsService) {}

  @Get()
  @ApiOkResponse({ type: [SkillResponseDto], description: 'Every skill: the built-in tools and custom skills' })
  listSkills(): SkillResponseDto[] {
    return this.skills.list();
  }

  @Post()
  @ApiCreatedResponse({ type: SkillResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is in use' })
  installSkill(@Body() body: SkillCreateDto): Promise<SkillResponseDto> {
    return this.skills.install(body);
  }

  @Put(':name')
  @ApiOkResponse({ type: SkillResponseDto, description: 'The new version' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A built-in tool (only toggled)' })
  updateSkill(@Param('name') name: string, @Body() body: SkillUpdateDto): Promise<SkillResponseDto> {
    return this.skills.update(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A built-in tool (only toggled)' })
  async deleteSkill(@Param('name') name: string): Promise<void> {
    await this.skills.remove(name);
  }

  @Post(':name/toggle')
  @HttpCode(200)
  @ApiOkResponse({ type: SkillResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The skill never loaded' })
  toggleSkill(@Param('name') name: string, @Body() body: SkillToggleDto): Promise<SkillResponseDto> {
    return this.skills.toggle(name, body);
  }

  @Post(':name/try')
  @HttpCode(200)
  @ApiOkResponse({ type: SkillTryResponseDto, description: 'The result, as the model would read it; stored as a try' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A built-in tool, or a skill without a working version' })
  trySkill(
    @Param('name') name: string,
    @Body() body: SkillTryDto,
    @CurrentAuth() auth: AuthContext,
  ): Promise<SkillTryResponseDto> {
    return this.skills.try(name, body, auth.username);
  }

  @Get(':name/tries')
  @ApiOkResponse({ type: [SkillTryResponseDto], description: 'The skill’s last 50 tries, newest first' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A built-in tool (not tried here)' })
  listSkillTries(@Param('name') name: string): Promise<SkillTryResponseDto[]> {
    return this.skills.listTries(name);
  }
}
