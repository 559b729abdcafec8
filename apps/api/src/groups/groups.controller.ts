import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
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
import { AgentGroupCreateDto, AgentGroupResponseDto, AgentGroupUpdateDto } from './dto/agent-group.dto.js';
import { GroupsService } from './groups.service.js';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('agent-groups')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('agent-groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOkResponse({ type: [AgentGroupResponseDto] })
  listAgentGroups(): Promise<AgentGroupResponseDto[]> {
    return this.groups.list();
  }

  @Post()
  @ApiCreatedResponse({ type: AgentGroupResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The name is taken' })
  createAgentGroup(@Body() body: AgentGroupCreateDto): Promise<AgentGroupResponseDto> {
    return this.groups.create(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentGroupResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getAgentGroup(@Param('id', uuid) id: string): Promise<AgentGroupResponseDto> {
    return this.groups.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: AgentGroupResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto })
  updateAgentGroup(@Param('id', uuid) id: string, @Body() body: AgentGroupUpdateDto): Promise<AgentGroupResponseDto> {
    return this.groups.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The default group cannot be deleted' })
  deleteAgentGroup(@Param('id', uuid) id: string): Promise<void> {
    return this.groups.remove(id);
  }

  @Post(':id/assign/:channelId')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AgentGroupResponseDto, description: 'The channel now answers with this group' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  assignChannel(
    @Param('id', uuid) id: string,
    @Param('channelId', uuid) channelId: string,
  ): Promise<AgentGroupResponseDto> {
    return this.groups.assign(id, channelId);
  }

  @Post(':id/unassign/:channelId')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AgentGroupResponseDto, description: 'The channel falls back to the default group' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  unassignChannel(
    @Param('id', uuid) id: string,
    @Param('channelId', uuid) channelId: string,
  ): Promise<AgentGroupResponseDto> {
    return this.groups.unassign(id, channelId);
  }
}
