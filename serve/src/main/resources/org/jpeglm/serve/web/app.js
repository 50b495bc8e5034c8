// jpeglm serve's page: plain JavaScript, no build step. It streams /v1/images/generations and /completions
// (Server-Sent Events over a POST, read with fetch) into a grid whose tiles fill in from the previews. For a video
// model (meta.noun "video") it asks /v1/videos/generations for finished videos as animated GIFs (no stream).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { model: null, running: false, finished: 0, clean: 0, prompt: null, key: localStorage.getItem("jpeglm.key") };
window.jpeglm = state; // for tests and the curious

async function api(path, init = {}) {
  for (;;) {
    const headers = new Headers(init.headers || {});
    if (state.key) headers.set("Authorization", "Bearer " + state.key);
    const res = await fetch(path, { ...init, headers });
    if (res.status !== 401) return res;
    const key = prompt("This server needs an API key:");
    if (!key) throw new Error("an API key is needed");
    state.key = key;
    localStorage.setItem("jpeglm.key", key);
  }
}

async function loadModel() {
  const res = await api("/v1/models");
  const model = (await res.json()).data[0];
  const p = model.meta.profile;
  state.model = model;
  if (isVideo()) {
    $("model").textContent = `${model.id} · ${p.width}×${p.height}, ${p.frames} frames at ${p.fps} fps · ` +
      `${model.meta.parallel} in parallel`;
    // Videos have no grammar and no previews; completing a video from the page is not offered.
    $("constrained").closest("label").hidden = true;
    $("drop").closest("fieldset").hidden = true;
  } else {
    const kind = p.subsampling ?? `${model.meta.codec}, ${p.palette} colours`; // a pixel model has no JPEG settings
    $("model").textContent = `${model.id} · ${p.width}×${p.height} ${kind} · ${model.meta.parallel} in parallel`;
  }
  const grid = $("grid");
  grid.style.setProperty("--aspect", `${p.width} / ${p.height}`);
  // Small images are scaled up with nearest-neighbour; tiles keep a size one can see, large images fit theirs.
  grid.classList.toggle("small", p.width < 128);
  grid.style.setProperty("--tile", p.width < 128 ? "128px" : Math.min(256, p.width) + "px");
}

function isVideo() {
  return state.model !== null && state.model.meta.noun === "video";
}

// Finished videos, as looping GIFs in the tiles (every browser plays those in an img): one JSON answer, no events.
async function runVideos(o) {
  if (state.running) return;
  state.running = true;
  showError(null);
  $("generate").disabled = true;
  $("status").textContent = "generating…";
  const tiles = makeTiles(o.n, null);
  tiles.forEach((t) => (t.querySelector(".badge").textContent = "writing"));
  try {
    const body = { n: o.n, temperature: o.temperature, output_format: "gif" };
    if (o.seed !== undefined) body.seed = o.seed;
    const res = await api("/v1/videos/generations",
      { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    if (!res.ok) {
      const err = await res.json().catch(() => ({ error: { message: res.statusText } }));
      throw new Error(err.error.message + (res.status === 503 ? ` (retry in ${res.headers.get("Retry-After")} s)` : ""));
    }
    const answer = await res.json();
    for (const v of answer.data) showVideo(tiles, v);
    const u = answer.usage;
    $("speed").textContent = `${u.tokens_per_second.toFixed(0)} tokens/s`;
    $("status").textContent = `${u.videos} videos in ${u.seconds.toFixed(1)} s · seed ${u.seed}`;
  } catch (e) {
    showError(e.message);
    $("status").textContent = "failed";
  } finally {
    state.running = false;
    $("generate").disabled = false;
  }
}

function showVideo(tiles, v) {
  const tile = tiles[v.index];
  tile.classList.add("done", v.clean ? "clean" : "repaired");
  tile.dataset.done = "1";
  tile.title = `seed ${v.seed} · index ${v.index} · n ${tiles.length} · ${v.tokens} tokens · ${v.decode}` +
    (v.b64_json ? " · click to download" : "");
  tile.querySelector(".badge").textContent = v.clean ? "" : `${v.frames}/${v.expected_frames}`;
  if (v.b64_json) {
    const url = `data:image/gif;base64,${v.b64_json}`;
    tile.querySelector("img").src = url;
    tile.onclick = () => download(url, `jpeglm-${v.seed}-${v.index}.gif`);
  }
  state.finished++;
  if (v.clean) state.clean++;
  $("clean").textContent = `clean ${state.clean}/${state.finished} (${(100 * state.clean / state.finished).toFixed(0)}%)`;
}

function options() {
  const o = { n: +$("count").value, temperature: +$("temperature").value, constrained: $("constrained").checked };
  if ($("seed").value !== "") o.seed = +$("seed").value;
  return o;
}

function makeTiles(n, initial) {
  const grid = $("grid");
  grid.replaceChildren();
  const tiles = [];
  for (let i = 0; i < n; i++) {
    const tile = document.createElement("div");
    tile.className = "tile";
    tile.dataset.index = i;
    tile.dataset.previews = 0;
    // The img has no src until the first preview: CSS hides it till then (no broken-image icon); "queued" until
    // the image's sequence starts.
    tile.innerHTML = `<img alt="image ${i}"><div class="bar"></div><span class="badge">queued</span>`;
    if (initial) tile.querySelector("img").src = initial;
    grid.append(tile);
    tiles.push(tile);
  }
  return tiles;
}

function onEvent(tiles, type, data) {
  const tile = tiles[data.index];
  if (type === "progress") {
    const done = data.mcus ?? data.rows; // a pixel model counts rows
    const total = data.total_mcus ?? data.total_rows;
    tile.querySelector(".bar").style.width = (100 * done / total) + "%";
    tile.querySelector(".badge").textContent = `${done}/${total}`;
  } else if (type === "preview") {
    tile.querySelector("img").src = `data:image/${data.output_format};base64,${data.b64_json}`;
    tile.dataset.previews = +tile.dataset.previews + 1;
  } else if (type === "image") {
    const url = `data:image/${data.output_format};base64,${data.b64_json}`;
    tile.querySelector("img").src = url;
    tile.classList.add("done", data.clean ? "clean" : "repaired");
    tile.dataset.done = "1";
    // The request's seed, the image's index and the request's n make it again: the same request, run alone, gives
    // the same bytes. Seeds are below 2^53, so JavaScript reads them exactly.
    tile.title = `seed ${data.seed} · index ${data.index} · n ${tiles.length} · ${data.tokens} tokens · ` +
      `${data.clean ? "clean" : data.repair} · click to download`;
    tile.querySelector(".badge").textContent = data.clean ? "" : "repaired";
    const file = `jpeglm-${data.seed}-${data.index}.${data.output_format === "png" ? "png" : "jpg"}`;
    tile.onclick = () => download(url, file);
    state.finished++;
    if (data.clean) state.clean++;
    $("clean").textContent = `clean ${state.clean}/${state.finished} (${(100 * state.clean / state.finished).toFixed(0)}%)`;
  } else if (type === "done") {
    $("speed").textContent = `${data.tokens_per_second.toFixed(0)} tokens/s`;
    $("status").textContent = `${data.images} images in ${data.seconds.toFixed(1)} s · seed ${data.seed}`;
  } else if (type === "error") {
    showError(data.error.message);
  }
}

function download(url, name) {
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
}

// Reads a text/event-stream body: events are separated by a blank line; "event:" names them, "data:" carries JSON.
async function readEvents(res, handle) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) type = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (data) handle(type, JSON.parse(data));
    }
  }
}

async function run(path, body, n, initial) {
  if (state.running) return;
  state.running = true;
  showError(null);
  $("generate").disabled = $("complete").disabled = true;
  $("status").textContent = "generating…";
  const tiles = makeTiles(n, initial);
  const started = performance.now();
  try {
    const res = await api(path, { method: "POST", body, headers: body instanceof FormData ? {} : { "Content-Type": "application/json" } });
    if (!res.ok) {
      const err = await res.json().catch(() => ({ error: { message: res.statusText } }));
      throw new Error(err.error.message + (res.status === 503 ? ` (retry in ${res.headers.get("Retry-After")} s)` : ""));
    }
    let tokens = 0;
    await readEvents(res, (type, data) => {
      if (type === "image") { // until "done" says, the pace of the finished images
        tokens += data.tokens;
        $("speed").textContent = `${(tokens / ((performance.now() - started) / 1000)).toFixed(0)} tokens/s`;
      }
      onEvent(tiles, type, data);
    });
  } catch (e) {
    showError(e.message);
    $("status").textContent = "failed";
  } finally {
    state.running = false;
    $("generate").disabled = false;
    $("complete").disabled = !state.prompt;
  }
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message || "";
}

// The prompt as the model will see it: fitted to the model's size, the part below the kept MCU rows blanked.
function promptPreview(img, ratio) {
  const p = state.model.meta.profile;
  const c = document.createElement("canvas");
  c.width = p.width;
  c.height = p.height;
  const g = c.getContext("2d");
  g.fillStyle = "#000";
  g.fillRect(0, 0, c.width, c.height);
  const s = Math.min(p.width / img.width, p.height / img.height);
  g.drawImage(img, (p.width - img.width * s) / 2, (p.height - img.height * s) / 2, img.width * s, img.height * s);
  const perRow = p.mcus_per_row ?? 1; // a pixel model's unit is a row of pixels
  const mcu = p.mcus_per_row ? p.width / p.mcus_per_row : 1; // MCUs are square
  const kept = Math.floor(ratio * (p.mcus ?? p.rows));
  const cut = Math.ceil(kept / perRow) * mcu; // rows of which some MCUs are kept
  g.fillStyle = "#808080";
  g.fillRect(0, cut, c.width, c.height - cut);
  return c.toDataURL("image/png");
}

function choose(file) {
  if (!file) return;
  const img = new Image();
  img.onload = () => {
    state.prompt = { file, img };
    $("drop").replaceChildren(img, document.createTextNode(file.name));
    $("complete").disabled = state.running;
  };
  img.onerror = () => showError(`${file.name} is not an image this browser reads`);
  img.src = URL.createObjectURL(file);
}

function wire() {
  $("temperature").oninput = () => ($("temperature-value").textContent = (+$("temperature").value).toFixed(2));
  $("ratio").oninput = () => ($("ratio-value").textContent = Math.round(100 * $("ratio").value) + "%");
  $("controls").onsubmit = (e) => {
    e.preventDefault();
    if (isVideo()) {
      runVideos(options());
      return;
    }
    const o = { ...options(), stream: true };
    run("/v1/images/generations", JSON.stringify(o), o.n, null);
  };
  const drop = $("drop");
  drop.onclick = () => $("file").click();
  drop.onkeydown = (e) => (e.key === "Enter" || e.key === " ") && $("file").click();
  $("file").onchange = () => choose($("file").files[0]);
  drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
  drop.ondragleave = () => drop.classList.remove("over");
  drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); choose(e.dataTransfer.files[0]); };
  $("complete").onclick = () => {
    const o = options();
    const form = new FormData();
    form.append("image", state.prompt.file);
    form.append("ratio", $("ratio").value);
    for (const [k, v] of Object.entries(o)) form.append(k, String(v));
    form.append("stream", "true");
    run("/v1/images/completions", form, o.n, promptPreview(state.prompt.img, +$("ratio").value));
  };
}

wire();
loadModel().catch((e) => showError("could not read the model: " + e.message));
