import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { CurrentAuth } from './current-auth.decorator.js';
import { OperatorCreateDto, OperatorResponseDto } from './dto/operator.dto.js';
import { OperatorsService } from './operators.service.js';
import { RequiresScope } from './scope.decorator.js';
import type { AuthContext } from './session.service.js';

/** The people who may use the console: admins change things, viewers only look. */
@ApiTags('operators')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Called with an API key, or a viewer tried a change' })
@RequiresScope('session')
@Controller('operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Get()
  @ApiOkResponse({ type: [OperatorResponseDto], description: 'Every operator, oldest first' })
  listOperators(): Promise<OperatorResponseDto[]> {
    return this.operators.list();
  }

  @Post()
  @ApiCreatedResponse({ type: OperatorResponseDto, description: 'The new operator (admins only)' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The username is taken' })
  createOperator(@Body() body: OperatorCreateDto): Promise<OperatorResponseDto> {
    return this.operators.create(body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted; their sessions ended at once' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Your own account, or the last admin' })
  async deleteOperator(@Param('id', new ParseUUIDPipe()) id: string, @CurrentAuth() auth: AuthContext): Promise<void> {
    await this.operators.remove(id, auth);
  }
}
