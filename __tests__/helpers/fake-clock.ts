import type { Clock } from '../../src/common/clock.js'

/** A clock whose sleep returns at once and moves time forward: nothing really waits. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  constructor(private time = 1_000_000) {}

  now(): number {
    return this.time
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += ms
  }

  advance(ms: number): void {
    this.time += ms
  }
}
