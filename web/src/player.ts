// SPDX-License-Identifier: Apache-2.0
// Plays the clip and is the clock the face follows, so animation and sound stay in sync: the
// time shown is the audio context's, less the output latency (what is being heard now).

export class Player {
  /** Called when playback reaches the end. */
  onEnded: (() => void) | null = null;

  private ctx: AudioContext | null = null;
  private buffer: AudioBuffer | null = null;
  private source: AudioBufferSourceNode | null = null;
  private duration_ = 0;
  private offset = 0; // Position while paused (s).
  private startedAt = 0; // Clock time at which position 0 played.
  private playing_ = false;
  private usesWallClock = false;

  /** The shared context (created lazily: browsers want a user gesture first). */
  context(): AudioContext {
    this.ctx ??= new AudioContext();
    return this.ctx;
  }

  /** A new clip; `buffer` null animates without sound (audio the browser cannot decode). */
  load(buffer: AudioBuffer | null, duration: number): void {
    this.stopSource();
    this.buffer = buffer;
    this.duration_ = buffer ? buffer.duration : duration;
    this.offset = 0;
    this.playing_ = false;
  }

  get duration(): number {
    return this.duration_;
  }

  get playing(): boolean {
    return this.playing_;
  }

  time(): number {
    if (!this.playing_) return this.offset;
    const latency = this.usesWallClock
      ? 0
      : (this.ctx?.outputLatency ?? 0) || (this.ctx?.baseLatency ?? 0);
    const t = this.clock() - this.startedAt - latency;
    return Math.min(Math.max(t, 0), this.duration_);
  }

  async play(): Promise<void> {
    if (this.playing_ || this.duration_ <= 0) return;
    if (this.offset >= this.duration_ - 1e-3) this.offset = 0;
    const ctx = this.context();
    if (ctx.state !== "running") {
      await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 300))]);
    }
    // Without a running context (no output device, autoplay refused) the face still moves.
    this.usesWallClock = !this.buffer || ctx.state !== "running";
    if (!this.usesWallClock) {
      const source = ctx.createBufferSource();
      source.buffer = this.buffer;
      source.connect(ctx.destination);
      source.onended = () => {
        if (this.source !== source) return;
        this.finish();
      };
      source.start(0, this.offset);
      this.source = source;
    }
    this.startedAt = this.clock() - this.offset;
    this.playing_ = true;
  }

  pause(): void {
    if (!this.playing_) return;
    this.offset = this.time();
    this.playing_ = false;
    this.stopSource();
  }

  seek(t: number): void {
    const wasPlaying = this.playing_;
    this.pause();
    this.offset = Math.min(Math.max(t, 0), this.duration_);
    if (wasPlaying) void this.play();
  }

  /** Ends wall-clock playback; audio playback ends through the source's onended. */
  tick(): void {
    if (this.playing_ && this.usesWallClock && this.time() >= this.duration_) this.finish();
  }

  private finish(): void {
    this.playing_ = false;
    this.offset = this.duration_;
    this.source = null;
    this.onEnded?.();
  }

  private clock(): number {
    return this.usesWallClock ? performance.now() / 1000 : this.ctx!.currentTime;
  }

  private stopSource(): void {
    if (!this.source) return;
    const source = this.source;
    this.source = null;
    try {
      source.stop();
    } catch {
      // Already stopped.
    }
  }
}
