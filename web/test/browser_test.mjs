// SPDX-License-Identifier: Apache-2.0
// Browser test of the page at / (CTest: web_browser_test). Starts `voxface serve --port 0`,
// drives Debian's Chromium headless through playwright-core (never a downloaded browser), and
// checks: the page and its headers, an upload with its transcript, that frames arrive and the
// drawn mouth opens and seals, playback, the JSON/CSV downloads, the same clip's PCM streamed
// over WS /v1/stream, and the live-microphone path on Chromium's fake device. Saves a screenshot
// with the mouth open. Exit 77 (skip) when Chromium is missing.
//
//   node web/test/browser_test.mjs --voxface build/bin/voxface --web-dir build/web/dist \
//     --node-modules build/web/node_modules --clip examples/speech/flite-slt-blue-book.wav \
//     --out build/web-test [--chromium /usr/bin/chromium]
import { spawn } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const SKIP = 77;
const { values: args } = parseArgs({
  options: {
    voxface: { type: "string" },
    "web-dir": { type: "string" },
    "node-modules": { type: "string" },
    chromium: { type: "string", default: "" },
    clip: { type: "string" },
    out: { type: "string" },
  },
});
for (const name of ["voxface", "web-dir", "node-modules", "clip", "out"]) {
  if (!args[name]) throw new Error(`--${name} is required`);
}

const chromiumPath = [args.chromium, process.env.VOXFACE_CHROMIUM, "/usr/bin/chromium"].find(
  (p) => p && existsSync(p),
);
if (!chromiumPath) {
  console.log("web_browser_test: skipped, Chromium not found (Debian package chromium)");
  process.exit(SKIP);
}
const { chromium } = createRequire(join(args["node-modules"], "..", "package.json"))(
  "playwright-core",
);

const started = Date.now();
const log = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// The whole test must finish well inside CTest's timeout, even if something hangs.
const watchdog = setTimeout(() => {
  console.error("web_browser_test: timed out after 100 s");
  process.exit(1);
}, 100_000);

/** Starts the server on a free port; resolves with its base URL once /readyz says ready. */
async function startServer() {
  accessSync(args.voxface, constants.X_OK);
  const server = spawn(args.voxface, ["serve", "--port", "0", "--web-dir", args["web-dir"]], {
    stdio: ["ignore", "inherit", "pipe"],
  });
  const base = await new Promise((resolve, reject) => {
    let text = "";
    server.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      text += chunk;
      const m = text.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`voxface serve exited (${code}): ${text}`)));
  });
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${base}/readyz`)).ok) return { server, base };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server never became ready");
}

/** Mouth geometry after seeking the paused player to frame `f`. */
async function mouthAt(page, f) {
  return page.evaluate((frame) => {
    const vf = window.voxface;
    vf.pause();
    vf.seek(frame / vf.state.fps);
    const inner = document.querySelector("#mouth-inner");
    const box = inner.getBBox();
    const w = vf.frameWeights(frame);
    return {
      frame,
      height: box.height,
      width: box.width,
      d: inner.getAttribute("d"),
      geometry: vf.faceGeometry(),
      jawOpen: w[17],
      mouthClose: w[18],
    };
  }, f);
}

async function waitReady(page, source) {
  await page.waitForFunction(
    (s) =>
      ["ready", "error"].includes(window.voxface.state.status) &&
      (window.voxface.state.source === s || window.voxface.state.status === "error"),
    source,
    { timeout: 30_000 },
  );
  const state = await page.evaluate(() => ({ ...window.voxface.state }));
  check(state.status === "ready", `track from ${source}: ${state.errorCode} ${state.message}`);
  return state;
}

async function main() {
  mkdirSync(args.out, { recursive: true });
  const { server, base } = await startServer();
  log(`server at ${base}`);
  const userDataDir = mkdtempSync(join(tmpdir(), "voxface-chromium-"));
  let context;
  try {
    // Static files: headers, and unknown paths answered as by every other route.
    const asset = await fetch(`${base}/app.js`);
    check(asset.headers.get("content-type") === "text/javascript; charset=utf-8", "app.js type");
    check(asset.headers.get("etag"), "app.js ETag");
    const again = await fetch(`${base}/app.js`, {
      headers: { "If-None-Match": asset.headers.get("etag") },
    });
    check(again.status === 304, `revalidation gives 304, got ${again.status}`);
    const missing = await fetch(`${base}/nope.js`);
    check(missing.status === 404 && (await missing.json()).error.code === "not_found", "404 JSON");

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 1040 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));

    const response = await page.goto(`${base}/`);
    check(response.status() === 200, `GET / status ${response.status()}`);
    const headers = response.headers();
    check(headers["content-type"] === "text/html; charset=utf-8", "index content type");
    check(headers["cache-control"] === "no-cache", "index Cache-Control");
    check((headers["content-security-policy"] ?? "").includes("default-src 'self'"), "CSP");
    check((await page.title()).includes("voxface"), "title");
    await page.waitForFunction(() => window.voxface !== undefined);
    log("page loaded");

    // Upload the clip with its transcript, as a user choosing both files would.
    const transcriptPath = args.clip.replace(/\.[^.]+$/, ".txt");
    await page.setInputFiles("#file-input", [args.clip, transcriptPath]);
    const uploaded = await waitReady(page, "upload");
    const transcript = readFileSync(transcriptPath, "utf8").trim();
    check((await page.inputValue("#transcript")) === transcript, "transcript filled from .txt");
    check(uploaded.fps === 60 && uploaded.numFrames > 100, `frames: ${JSON.stringify(uploaded)}`);
    const direct = new FormData();
    direct.append("file", new Blob([readFileSync(args.clip)]), "clip.wav");
    direct.append("text", transcript);
    const reference = await (
      await fetch(`${base}/v1/animate`, { method: "POST", body: direct })
    ).json();
    check(
      uploaded.numFrames === reference.num_frames,
      `${uploaded.numFrames} frames, POST gave ${reference.num_frames}`,
    );
    log(`upload: ${uploaded.numFrames} frames at ${uploaded.fps} fps`);

    // The mouth opens (jawOpen - mouthClose large) and seals (p/b/m: equal, jaw dropped).
    const picks = await page.evaluate(() => {
      const vf = window.voxface;
      let open = -1,
        bestGap = -1,
        sealed = -1,
        sealedJaw = -1;
      for (let i = 0; i < vf.state.numFrames; i++) {
        const w = vf.frameWeights(i);
        const gap = w[17] - w[18];
        if (gap > bestGap) [open, bestGap] = [i, gap];
        if (w[18] > 0.05 && Math.abs(gap) < 0.01 && w[17] > sealedJaw)
          [sealed, sealedJaw] = [i, w[17]];
      }
      return { open, bestGap, sealed, sealedJaw };
    });
    check(
      picks.bestGap > 0.3 && picks.sealed >= 0 && picks.sealedJaw > 0.1,
      `frames: ${JSON.stringify(picks)}`,
    );
    const sealed = await mouthAt(page, picks.sealed);
    const open = await mouthAt(page, picks.open);
    log(
      `sealed frame ${sealed.frame}: jaw ${sealed.jawOpen.toFixed(2)}, mouth box ${sealed.height.toFixed(1)} px; ` +
        `open frame ${open.frame}: jaw ${open.jawOpen.toFixed(2)}, mouth box ${open.height.toFixed(1)} px`,
    );
    check(
      sealed.geometry.lipGap < 0.5 && sealed.height < 6,
      `sealed lips drawn closed: ${JSON.stringify(sealed)}`,
    );
    check(sealed.geometry.jawDrop > 3, "the jaw drops behind sealed lips");
    check(
      open.geometry.lipGap > 20 && open.height > sealed.height + 15,
      `open mouth drawn open: ${JSON.stringify(open)}`,
    );
    check(open.d !== sealed.d, "mouth path changes");
    const screenshot = join(args.out, "screenshot.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    log(`screenshot (mouth open) -> ${screenshot}`);

    // Playback drives the face: time advances and the frame changes.
    const t0 = await page.evaluate(async () => {
      window.voxface.seek(0);
      await window.voxface.play();
      return window.voxface.state.time;
    });
    await page.waitForTimeout(700);
    const during = await page.evaluate(() => ({ ...window.voxface.state }));
    await page.evaluate(() => window.voxface.pause());
    check(
      during.time - t0 > 0.3 && during.frame > 10,
      `playback advanced: ${JSON.stringify(during)}`,
    );
    log(`playback: ${during.time.toFixed(2)} s after 0.7 s`);

    // Downloads come from the server in both formats.
    for (const [button, check_] of [
      ["#dl-json", (text) => JSON.parse(text).num_frames === uploaded.numFrames],
      [
        "#dl-csv",
        (text) =>
          text.startsWith("Timecode,BlendShapeCount,") &&
          text.trim().split("\n").length === uploaded.numFrames + 1,
      ],
    ]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
      const text = readFileSync(await download.path(), "utf8");
      check(check_(text), `${button}: ${download.suggestedFilename()} ${text.slice(0, 120)}`);
      log(`download ${download.suggestedFilename()}: ${text.length} bytes`);
    }

    // The same clip as PCM over the WebSocket: the frames equal the upload's.
    const uploadedFrames = await page.evaluate(() =>
      Array.from({ length: window.voxface.state.numFrames }, (_, i) =>
        window.voxface.frameWeights(i),
      ),
    );
    await page.evaluate(() => window.voxface.streamCurrentClip());
    const streamed = await waitReady(page, "stream");
    check(streamed.numFrames === uploaded.numFrames, `stream gave ${streamed.numFrames} frames`);
    check(streamed.streamChunks >= 20, `PCM went in chunks: ${streamed.streamChunks}`);
    const maxDiff = await page.evaluate((reference) => {
      let diff = 0;
      reference.forEach((row, i) =>
        row.forEach((v, c) => {
          diff = Math.max(diff, Math.abs(v - window.voxface.frameWeights(i)[c]));
        }),
      );
      return diff;
    }, uploadedFrames);
    check(maxDiff < 1e-4, `streamed frames differ from uploaded ones by ${maxDiff}`);
    log(
      `stream: ${streamed.numFrames} frames from ${streamed.streamChunks} chunks ` +
        `(${streamed.streamBytes} bytes), max diff ${maxDiff}`,
    );

    // The live microphone path, on Chromium's fake capture device.
    await page.click("#tab-live");
    await page.click("#live-btn");
    await page.waitForFunction(
      () => document.querySelector("#live-btn").classList.contains("active"),
      null,
      { timeout: 10_000 },
    );
    await page.waitForTimeout(1500);
    await page.click("#live-btn");
    const live = await waitReady(page, "stream");
    check(
      live.clipName.startsWith("stream-") && live.numFrames > 30,
      `live: ${JSON.stringify(live)}`,
    );
    log(`live microphone: ${live.numFrames} frames from ${live.streamChunks} chunks`);

    check(errors.length === 0, `no page errors: ${errors.join("; ")}`);
  } finally {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.on("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
  }
  log("web_browser_test: passed");
}

main()
  .then(() => {
    clearTimeout(watchdog);
    process.exit(0);
  })
  .catch((e) => {
    console.error(`web_browser_test: FAILED: ${e.stack ?? e}`);
    process.exit(1);
  });
