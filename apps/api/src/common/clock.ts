import { Injectable } from '@nestjs/common';

/** The time source, injectable so services can be tested with a fixed or advancing clock. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
