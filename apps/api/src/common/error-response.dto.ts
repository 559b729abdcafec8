import { ApiProperty } from '@nestjs/swagger';

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'password must be at least 10 characters long',
  })
  message!: string | string[];

  @ApiProperty({ required: false, example: 'Bad Request' })
  error?: string;
}
