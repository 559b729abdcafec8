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
import { ErrorResponseDto } from '../../common/error-response.dto.js';
import { CalendarsService } from './calendars.service.js';
import { CalendarCreateDto, CalendarDto, CalendarEventDto, CalendarEventsQueryDto } from './dto/calendar.dto.js';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('scheduler')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('scheduler/calendars')
export class CalendarsController {
  constructor(private readonly calendars: CalendarsService) {}

  @Get()
  @ApiOkResponse({ type: [CalendarDto] })
  listCalendars(): Promise<CalendarDto[]> {
    return this.calendars.list();
  }

  @Post()
  @ApiCreatedResponse({ type: CalendarDto, description: 'Added and synced once; a failed sync is in lastSyncError' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createCalendar(@Body() body: CalendarCreateDto): Promise<CalendarDto> {
    return this.calendars.create(body);
  }

  @Post(':id/sync')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CalendarDto, description: 'Synced now; a failed sync is in lastSyncError' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  syncCalendar(@Param('id', uuid) id: string): Promise<CalendarDto> {
    return this.calendars.sync(id);
  }

  @Get(':id/events')
  @ApiOkResponse({ type: [CalendarEventDto], description: 'Event instances by start' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  listCalendarEvents(
    @Param('id', uuid) id: string,
    @Query() query: CalendarEventsQueryDto,
  ): Promise<CalendarEventDto[]> {
    return this.calendars.events(id, query);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted with its events' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A job still uses the calendar' })
  deleteCalendar(@Param('id', uuid) id: string): Promise<void> {
    return this.calendars.remove(id);
  }
}
