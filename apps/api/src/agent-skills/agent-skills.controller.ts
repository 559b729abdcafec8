import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
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
import { AgentSkillsService } from './agent-skills.service.js';
import {
  AgentSkillDetailDto,
  AgentSkillResponseDto,
  AgentSkillToggleDto,
  AgentSkillUploadDto,
} from './dto/agent-skill.dto.js';

@ApiTags('agent-skills')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('agent-skills')
export class AgentSkillsController {
  constructor(private readonly skills: AgentSkillsService) {}

  @Get()
  @ApiOkResponse({
    type: [AgentSkillResponseDto],
    description: 'Every folder under DATA_DIR/agent-skills: valid skills, and the others with their error',
  })
  listAgentSkills(): AgentSkillResponseDto[] {
    return this.skills.list();
  }

  @Post()
  @ApiCreatedResponse({ type: AgentSkillDetailDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Not a valid skill folder (the message names the field)',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is in use' })
  installAgentSkill(@Body() body: AgentSkillUploadDto): Promise<AgentSkillDetailDto> {
    return this.skills.install(body);
  }

  @Get(':name')
  @ApiOkResponse({ type: AgentSkillDetailDto, description: 'The skill with its instructions' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getAgentSkill(@Param('name') name: string): AgentSkillDetailDto {
    return this.skills.get(name);
  }

  @Post(':name/toggle')
  @HttpCode(200)
  @ApiOkResponse({ type: AgentSkillDetailDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  toggleAgentSkill(@Param('name') name: string, @Body() body: AgentSkillToggleDto): Promise<AgentSkillDetailDto> {
    return this.skills.toggle(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The folder is deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async deleteAgentSkill(@Param('name') name: string): Promise<void> {
    await this.skills.remove(name);
  }
}
