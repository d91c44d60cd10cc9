// SPDX-License-Identifier: Apache-2.0
// The server's API as the page uses it: POST /v1/animate (docs/server.md) and the WebSocket
// WS /v1/stream (docs/protocol.md). Same origin only: the page is served by `voxface serve`.

import { floatToS16le } from "./audio";
import { type Segment, type Track, trackFromRows } from "./track";

export interface AnimateOptions {
  text?: string;
  fps?: number;
  seed?: number;
  emotion?: Record<string, number>;
  /** Sent as "Authorization: Bearer" (HTTP) or ?access_token= (WebSocket) when set. */
  apiKey?: string;
}

export type ExportFormat = "json" | "csv" | "tsv";

/** A failure the server reported ({"error": {"code", "message"}}) or a transport failure. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function errorFromBody(status: number, body: string): ApiError {
  try {
    const err = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    if (err?.code) return new ApiError(err.code, err.message ?? err.code, status);
  } catch {
    // Not JSON (a proxy's page, say): report the status line below.
  }
  return new ApiError("http_" + status, `HTTP ${status}: ${body.slice(0, 200)}`, status);
}

function emotionList(emotion: Record<string, number> | undefined): string {
  return Object.entries(emotion ?? {})
    .map(([name, strength]) => `${name}:${strength}`)
    .join(",");
}

/**
 * POST /v1/animate with the audio as the multipart `file` part (and the transcript as `text`,
 * which keeps long transcripts out of the URL). Resolves with the body in `format`.
 */
export async function animate(
  audio: Blob,
  filename: string,
  options: AnimateOptions,
  format: ExportFormat = "json",
): Promise<string> {
  const query = new URLSearchParams({ format });
  if (options.fps !== undefined) query.set("fps", String(options.fps));
  if (options.seed !== undefined) query.set("seed", String(options.seed));
  const emotion = emotionList(options.emotion);
  if (emotion) query.set("emotion", emotion);
  const form = new FormData();
  form.append("file", audio, filename);
  if (options.text) form.append("text", options.text);
  const headers: Record<string, string> = {};
  if (options.apiKey) headers["Authorization"] = `Bearer ${options.apiKey}`;
  let response: Response;
  try {
    response = await fetch(`/v1/animate?${query}`, { method: "POST", body: form, headers });
  } catch (e) {
    throw new ApiError("network", `cannot reach the server: ${(e as Error).message}`);
  }
  const body = await response.text();
  if (!response.ok) throw errorFromBody(response.status, body);
  return body;
}

export interface StreamHeader {
  protocol: number;
  mode: string;
  fps: number;
  sample_rate: number;
  max_duration_s: number;
  names: string[];
}

/** Sample rate of the PCM the page streams (mono s16le). */
export const STREAM_RATE = 16000;

/**
 * One utterance over WS /v1/stream: push 16 kHz mono PCM while it is captured, then finish()
 * for the track. Frames arrive only after "end" (the server's utterance mode), as binary
 * messages of float32 weights.
 */
export class LiveStream {
  /** Resolves with the server's header; audio may be pushed before it arrives. */
  readonly header: Promise<StreamHeader>;
  bytesSent = 0;
  chunksSent = 0;
  /** Called once when the stream fails (error message or unexpected close). */
  onError: ((error: ApiError) => void) | null = null;

  private readonly ws: WebSocket;
  private readonly pending: ArrayBuffer[] = [];
  private readonly rows: Float32Array[] = [];
  private names: string[] = [];
  private fps = 0;
  private failure: ApiError | null = null;
  private finished = false;
  private done: { resolve: (t: Track) => void; reject: (e: ApiError) => void } | null = null;
  private resolveHeader!: (h: StreamHeader) => void;
  private rejectHeader!: (e: ApiError) => void;

  constructor(options: AnimateOptions) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const token = options.apiKey ? `?access_token=${encodeURIComponent(options.apiKey)}` : "";
    this.ws = new WebSocket(`${scheme}://${location.host}/v1/stream${token}`);
    this.ws.binaryType = "arraybuffer";
    this.header = new Promise((resolve, reject) => {
      this.resolveHeader = resolve;
      this.rejectHeader = reject;
    });
    this.header.catch(() => {}); // Failures also reach onError and finish().
    const start: Record<string, unknown> = {
      type: "start",
      sample_rate: STREAM_RATE,
      encoding: "s16le",
      channels: 1,
      frames: "binary",
    };
    if (options.fps !== undefined) start["fps"] = options.fps;
    if (options.seed !== undefined) start["seed"] = options.seed;
    if (options.text) start["text"] = options.text;
    if (options.emotion && Object.keys(options.emotion).length) start["emotion"] = options.emotion;
    this.ws.onopen = () => {
      this.ws.send(JSON.stringify(start));
      for (const chunk of this.pending.splice(0)) this.ws.send(chunk);
    };
    this.ws.onmessage = (e) => this.onMessage(e.data as string | ArrayBuffer);
    this.ws.onclose = (e) => {
      if (this.finished || this.failure) return;
      const reason = e.reason ? `: ${e.reason}` : "";
      const hint = e.code === 1009 ? " (message too big)" : "";
      this.fail(new ApiError("closed", `the stream closed (code ${e.code}${hint}${reason})`));
    };
  }

  /** Sends 16 kHz mono samples in [-1, 1] as one s16le chunk. */
  push(samples: Float32Array): void {
    if (this.failure || samples.length === 0) return;
    const chunk = floatToS16le(samples);
    this.bytesSent += chunk.byteLength;
    this.chunksSent++;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(chunk);
    else this.pending.push(chunk);
  }

  /** Ends the utterance; resolves with the whole track once the server's "end" arrives. */
  finish(): Promise<Track> {
    if (this.failure) return Promise.reject(this.failure);
    const result = new Promise<Track>((resolve, reject) => (this.done = { resolve, reject }));
    const end = () => this.ws.send(JSON.stringify({ type: "end" }));
    if (this.ws.readyState === WebSocket.OPEN) end();
    else this.ws.addEventListener("open", end, { once: true });
    return result;
  }

  /** Drops the stream (the server discards its audio). */
  close(): void {
    this.failure ??= new ApiError("cancelled", "the stream was cancelled");
    this.ws.close(1000);
  }

  private onMessage(data: string | ArrayBuffer): void {
    if (typeof data !== "string") return this.onBinaryFrames(data);
    const msg = JSON.parse(data) as { type: string; [key: string]: unknown };
    if (msg.type === "header") {
      const header = msg as unknown as StreamHeader;
      this.names = header.names;
      this.fps = header.fps;
      this.resolveHeader(header);
    } else if (msg.type === "frames") {
      for (const row of msg["weights"] as number[][]) this.rows.push(Float32Array.from(row));
    } else if (msg.type === "end") {
      const phones = (msg["phones"] as { phone: string; start: number; end: number }[]) ?? [];
      const segments: Segment[] = phones.map((p) => ({
        label: p.phone,
        start: p.start,
        end: p.end,
      }));
      const track = trackFromRows(
        this.fps,
        this.names,
        this.rows,
        msg["duration"] as number,
        segments,
      );
      this.finished = true;
      this.done?.resolve(track);
      this.done = null;
    } else if (msg.type === "error") {
      this.fail(new ApiError(String(msg["code"]), String(msg["message"])));
    }
  }

  // Binary frames: uint32 start_frame, uint32 count, then count x 52 float32, little-endian.
  private onBinaryFrames(buffer: ArrayBuffer): void {
    const view = new DataView(buffer);
    const count = view.getUint32(4, true);
    const width = this.names.length;
    for (let i = 0; i < count; i++) {
      const row = new Float32Array(width);
      for (let c = 0; c < width; c++) row[c] = view.getFloat32(8 + (i * width + c) * 4, true);
      this.rows.push(row);
    }
  }

  private fail(error: ApiError): void {
    if (this.failure) return;
    this.failure = error;
    this.rejectHeader(error);
    this.done?.reject(error);
    this.done = null;
    this.onError?.(error);
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close();
  }
}
