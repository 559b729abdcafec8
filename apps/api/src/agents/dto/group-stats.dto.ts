import { ApiProperty } from '@nestjs/swagger';

export class BudgetUseDto {
  @ApiProperty({ nullable: true, type: Number, description: 'The cap, or null when there is none' }) limit!:
    number | null;
  @ApiProperty({ description: 'Tokens (input + output) used in the window' }) used!: number;
  @ApiProperty({ nullable: true, type: Number }) remaining!: number | null;
}

export class GroupBudgetDto {
  @ApiProperty({ type: BudgetUseDto }) day!: BudgetUseDto;
  @ApiProperty({ type: BudgetUseDto }) month!: BudgetUseDto;
}

export class GroupRunCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'Since local midnight (TIMEZONE)' }) today!: number;
  @ApiProperty({ description: 'Failed or refused runs, all time' }) failed!: number;
}

export class GroupTokensDto {
  @ApiProperty() today!: number;
  @ApiProperty() month!: number;
}

export class GroupStatsResponseDto {
  @ApiProperty({ format: 'uuid' }) groupId!: string;
  @ApiProperty({ type: GroupRunCountsDto }) runs!: GroupRunCountsDto;
  @ApiProperty({ type: GroupTokensDto }) tokens!: GroupTokensDto;
  @ApiProperty({ description: 'Estimated cost this month in US dollars' }) costMonthUsd!: number;
  @ApiProperty({ type: GroupBudgetDto }) budget!: GroupBudgetDto;
}
