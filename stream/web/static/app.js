// Hostcast preview: watch the stream over WebRTC, follow what is on air, steer the show.
"use strict";

const $ = (id) => document.getElementById(id);
const video = $("video");
const TOKEN_KEY = "hostcast.token";

// ---------------------------------------------------------------- the stream

let pc = null;
let retryDelay = 1000;
let retryTimer = null;
let audioMeter = null;

function setConnection(text, kind) {
  const badge = $("conn");
  badge.textContent = text;
  badge.className = "badge" + (kind ? " " + kind : "");
}

function waitForIce(peer, ms) {
  if (peer.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      peer.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const check = () => { if (peer.iceGatheringState === "complete") done(); };
    peer.addEventListener("icegatheringstatechange", check);
    setTimeout(done, ms);
  });
}

function scheduleReconnect(reason) {
  if (retryTimer) return;
  setConnection(reason + " · retrying", "bad");
  $("waiting").classList.remove("gone");
  retryTimer = setTimeout(() => {
    retryTimer = null;
    connect();
  }, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 15000);
}

async function connect() {
  if (pc) pc.close();
  const peer = new RTCPeerConnection({ iceServers: [] });
  pc = peer;
  const stream = new MediaStream();
  peer.addTransceiver("video", { direction: "recvonly" });
  peer.addTransceiver("audio", { direction: "recvonly" });
  peer.ontrack = (event) => {
    stream.addTrack(event.track);
    if (video.srcObject !== stream) video.srcObject = stream;
    if (event.track.kind === "audio") startMeter(stream);
    video.play().catch(() => {});
  };
  peer.onconnectionstatechange = () => {
    if (pc !== peer) return;
    const state = peer.connectionState;
    if (state === "connected") {
      retryDelay = 1000;
      setConnection("watching", "ok");
    } else if (state === "failed" || state === "closed") {
      scheduleReconnect("connection lost");
    }
  };
  setConnection("connecting…");
  try {
    await peer.setLocalDescription(await peer.createOffer());
    await waitForIce(peer, 2000);
    const response = await fetch("/api/offer", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sdp: peer.localDescription.sdp, type: peer.localDescription.type }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || "HTTP " + response.status);
    await peer.setRemoteDescription(body);
  } catch (error) {
    if (pc === peer) scheduleReconnect(String(error.message || error));
  }
}

video.addEventListener("playing", () => $("waiting").classList.add("gone"));

$("unmute").addEventListener("click", () => {
  video.muted = !video.muted;
  $("unmute").setAttribute("aria-pressed", String(!video.muted));
  $("unmute-label").textContent = video.muted ? "Unmute" : "Mute";
  if (audioMeter) audioMeter.context.resume().catch(() => {});
  video.play().catch(() => {});
});

// A level meter, so the operator sees sound arrive even while the video is muted.
function startMeter(stream) {
  if (audioMeter || !window.AudioContext) return;
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  audioMeter = { context, analyser, level: 0 };
  const bar = $("meter-bar");
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    audioMeter.level = peak;
    bar.style.width = Math.min(100, Math.round(peak * 140)) + "%";
    requestAnimationFrame(tick);
  };
  tick();
  context.resume().catch(() => {});
}

// ------------------------------------------------------------ the on-air panel

let lastState = {};
let lastEventAt = 0;

function text(id, value) {
  $(id).textContent = value === undefined || value === null || value === "" ? "–" : String(value);
}

function safeImage(url) {
  return typeof url === "string" && /^(https:|data:image\/)/.test(url) ? url : null;
}

function renderProduct(product) {
  const title = $("product-title");
  const image = $("product-image");
  if (!product) {
    title.textContent = "Nothing on screen yet";
    $("price-now").textContent = "";
    $("price-was").textContent = "";
    $("deal").hidden = true;
    image.hidden = true;
    return;
  }
  title.textContent = product.title || product.id || "Untitled product";
  const onSale = product.sale_price && product.sale_price !== product.price;
  $("price-now").textContent = (onSale ? product.sale_price : product.price) || "";
  $("price-was").textContent = onSale ? product.price || "" : "";
  $("deal").hidden = !product.deal;
  $("deal").textContent = product.deal || "";
  const src = safeImage(product.image);
  image.hidden = !src;
  if (src && image.src !== src) image.src = src;
}

function renderNext(items) {
  const list = $("next");
  list.replaceChildren();
  for (const item of (items || []).slice(0, 5)) {
    const li = document.createElement("li");
    li.textContent = item.title || item.id || "?";
    const price = item.sale_price || item.price;
    if (price) {
      const span = document.createElement("span");
      span.textContent = price;
      li.append(span);
    }
    list.append(li);
  }
  if (!list.children.length) {
    const li = document.createElement("li");
    li.textContent = "Nothing queued";
    li.className = "muted";
    list.append(li);
  }
}

function renderHealth(health, viewers) {
  health = health || {};
  text("fps", health.fps !== undefined ? Number(health.fps).toFixed(1) : null);
  const p50 = health.late_p50_ms, p99 = health.late_p99_ms;
  text("late", p50 !== undefined ? `${Number(p50).toFixed(1)} / ${Number(p99).toFixed(1)} ms` : null);
  text("repeated", health.repeated_frames);
  text("viewer-count", viewers);
  const sinks = $("sinks");
  sinks.replaceChildren();
  for (const sink of health.sinks || []) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "state " + String(sink.state || "").replace(/[^a-z]/g, "");
    name.textContent = `${sink.name} · ${sink.state}`;
    const detail = document.createElement("span");
    detail.className = "detail";
    const sent = Math.round((sink.sent_bytes || 0) / 1024);
    detail.textContent = sink.last_error && sink.state !== "connected"
      ? sink.last_error
      : `${sent.toLocaleString()} KiB sent` + (sink.reconnects ? ` · ${sink.reconnects} reconnects` : "");
    li.append(name, detail);
    sinks.append(li);
  }
}

function renderNoPhoto(missing) {
  missing = missing || [];
  $("no-photo-box").hidden = missing.length === 0;
  const list = $("no-photo");
  list.replaceChildren();
  for (const item of missing) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "state " + (item.state === "pending" ? "connecting" : "failed");
    name.textContent = `${item.title || item.id} · ${item.state}`;
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = item.reason || (item.state === "pending" ? "fetching" : "no image link");
    li.append(name, detail);
    list.append(li);
  }
}

const CHAT_STATE_CLASS = { connected: "connected", listening: "connected",
  starting: "reconnecting", backing_off: "reconnecting", ended: "over", stopped: "over" };

function renderChatSources(sources) {
  sources = Array.isArray(sources) ? sources : [];
  $("chat-sources-box").hidden = sources.length === 0;
  const list = $("chat-sources");
  list.replaceChildren();
  for (const item of sources) {
    const li = document.createElement("li");
    li.dataset.chat = item.name || "";
    const name = document.createElement("span");
    name.className = "state " + (CHAT_STATE_CLASS[item.state] || "failed");
    name.textContent = `${item.name} · ${String(item.state || "").replace(/_/g, " ")}`;
    const detail = document.createElement("span");
    detail.className = "detail";
    const counts = `${item.received || 0} in, ${item.answered || 0} answered, ` +
      `${item.dropped || 0} over the limit`;
    const trouble = item.state === "connected" || item.state === "listening" ? "" : item.reason;
    detail.textContent = trouble ? `${counts} · ${trouble}` : counts;
    li.append(name, detail);
    list.append(li);
  }
}

function renderPinChoices(products, pinned) {
  const select = $("pin-product");
  const ids = (products || []).map((p) => p.id).join("\n");
  if (select.dataset.ids === ids) return; // keep the operator's choice while nothing changed
  const chosen = select.value || pinned || "";
  select.dataset.ids = ids;
  select.replaceChildren();
  if (!products || !products.length) {
    select.append(new Option("— no products yet —", ""));
    return;
  }
  for (const p of products) select.append(new Option(p.title || p.id, p.id));
  if (chosen) select.value = chosen;
}

// ------------------------------------------------------------------- the chat

const NAME_KEY = "hostcast.chat-name";
const mine = new Set(); // ids of the messages this page sent
let operatorNotes = {}; // id -> {reason, text} of what was not answered (operator only)
let notesFetchedFor = "";
let notesInFlight = false;

const STATE_LABEL = { answered: "answered", answering: "answering…", "not answered": "not answered" };

function renderChat(entries) {
  const list = $("chat-list");
  entries = Array.isArray(entries) ? entries : [];
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren();
  for (const entry of entries) {
    const li = document.createElement("li");
    li.className = "chat-item" + (mine.has(entry.id) ? " mine" : "");
    li.dataset.id = entry.id || "";
    li.dataset.state = entry.state || "";
    const head = document.createElement("div");
    head.className = "chat-head";
    const name = document.createElement("span");
    name.className = "chat-name";
    name.textContent = entry.name || "viewer";
    if (entry.source && entry.source !== "page") {
      const where = document.createElement("span");
      where.className = "chat-source";
      where.textContent = entry.kind && entry.kind !== "message" ? `${entry.source} · ${entry.kind}` : entry.source;
      name.append(" ", where);
    }
    const said = document.createElement("span");
    said.className = "chat-text" + (entry.withheld ? " withheld" : "");
    const note = operatorNotes[entry.id];
    const shown = entry.text || (note && note.text) || "";
    said.textContent = entry.withheld && !shown ? "message withheld" : shown;
    const state = document.createElement("span");
    state.className = "chat-state " + String(entry.state || "").replace(/ /g, "-");
    state.textContent = STATE_LABEL[entry.state] || entry.state || "";
    head.append(name, said, state);
    li.append(head);
    if (entry.answer && entry.state !== "not answered") {
      const answer = document.createElement("div");
      answer.className = "chat-answer";
      answer.textContent = entry.answer;
      li.append(answer);
    }
    if (typeof entry.latency_ms === "number") {
      const latency = document.createElement("div");
      latency.className = "chat-latency";
      latency.textContent = `on air ${Math.round(entry.latency_ms)} ms after the question`;
      li.append(latency);
    }
    if (entry.state === "not answered" && note && note.reason) {
      const why = document.createElement("div");
      why.className = "chat-reason";
      why.textContent = note.reason;
      li.append(why);
    }
    list.append(li);
  }
  if (!entries.length) {
    const li = document.createElement("li");
    li.className = "chat-empty";
    li.textContent = "No questions yet: ask the host about a product.";
    list.append(li);
  }
  $("chat-count").textContent = entries.length ? `${entries.length} messages` : "no messages yet";
  if (atBottom) list.scrollTop = list.scrollHeight;
  fetchOperatorNotes(entries);
}

// With the operator token, ask the server why messages went unanswered (never in the feed).
async function fetchOperatorNotes(entries) {
  const token = tokenField.value.trim();
  const unanswered = entries.filter((e) => e.state === "not answered").map((e) => e.id).join(",");
  if (!token || !unanswered || unanswered === notesFetchedFor || notesInFlight) return;
  notesInFlight = true;
  notesFetchedFor = unanswered; // once per change, even when the token is refused
  try {
    const response = await fetch("/api/chat", { headers: { Authorization: "Bearer " + token } });
    if (!response.ok) return;
    const body = await response.json();
    const notes = {};
    for (const entry of body.chat || []) {
      if (entry.reason) notes[entry.id] = { reason: entry.reason, text: entry.text };
    }
    operatorNotes = notes;
    renderChat(lastState.chat);
  } catch (error) {
    console.warn("chat notes", error);
  } finally {
    notesInFlight = false;
  }
}

function chatStatus(message, kind) {
  const status = $("chat-status");
  status.textContent = message;
  status.className = "op-status" + (kind ? " " + kind : "");
}

async function sendChat() {
  const name = $("chat-name").value.trim();
  const line = $("chat-text").value.trim();
  if (!name) {
    $("chat-name").focus();
    return chatStatus("Enter your name first.", "error");
  }
  if (!line) return chatStatus("Type a question for the host.", "error");
  localStorage.setItem(NAME_KEY, name);
  const button = $("chat-send");
  button.disabled = true;
  try {
    const response = await fetch("/api/chat/page", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name, text: line }),
    });
    const reply = await response.json().catch(() => ({}));
    if (response.ok) {
      if (reply.id) mine.add(reply.id);
      $("chat-text").value = "";
      chatStatus(reply.spoken ? "Sent: the host answers in a moment." : "Sent.", "ok");
      renderChat(lastState.chat);
    } else if (response.status === 429) {
      const wait = response.headers.get("Retry-After");
      chatStatus(`Slow down: ${reply.error || "too many messages"}` +
        (wait && !reply.error ? ` (retry in ${wait} s)` : ""), "error");
    } else {
      chatStatus(reply.error || "Not sent: HTTP " + response.status, "error");
    }
  } catch (error) {
    chatStatus("The server did not answer: " + error.message, "error");
  } finally {
    button.disabled = false;
  }
}

$("chat-name").value = localStorage.getItem(NAME_KEY) || "";
$("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sendChat();
});

function render(state) {
  lastState = state;
  if ("chat" in state) renderChat(state.chat);
  renderProduct(state.product);
  $("caption").textContent = state.caption || "…";
  renderNext(state.next);
  renderHealth(state.health, state.viewers);
  renderNoPhoto(state.no_photo);
  renderChatSources(state.chat_sources);
  renderPinChoices(state.products, state.pinned);
  const viewers = Number(state.viewers || 0);
  $("viewers").textContent = `${viewers} watching`;
  $("paused-badge").hidden = !state.paused;
  const slot = state.slot;
  $("slot").hidden = !slot;
  if (slot) $("slot").textContent = slot.name || "scheduled";
}

function listen() {
  const source = new EventSource("/api/events");
  source.onmessage = (event) => {
    lastEventAt = Date.now();
    try {
      render(JSON.parse(event.data));
    } catch (error) {
      console.warn("bad status event", error);
    }
  };
}

setInterval(() => {
  $("stale").hidden = !lastEventAt || Date.now() - lastEventAt < 3000;
}, 1000);

// ------------------------------------------------------------ the operator

const tokenField = $("token");
tokenField.value = sessionStorage.getItem(TOKEN_KEY) || "";
tokenField.addEventListener("input", () => {
  sessionStorage.setItem(TOKEN_KEY, tokenField.value.trim());
  notesFetchedFor = ""; // a new token may see the operator's notes
});

function say(message, kind) {
  const status = $("op-status");
  status.textContent = message;
  status.className = "op-status" + (kind ? " " + kind : "");
}

const DONE = {
  skip: "Skipped to the next line.",
  pause: "Paused.",
  resume: "Resumed.",
  pin: "Pinned.",
  unpin: "Unpinned.",
  say: "Queued for the presenter.",
};

async function control(action, button) {
  const token = tokenField.value.trim();
  if (!token) {
    say("Enter the operator token first.", "error");
    tokenField.focus();
    return;
  }
  let path = action;
  let body = {};
  if (action === "pin") {
    const id = $("pin-product").value;
    if (!id) return say("Choose a product to pin.", "error");
    body = { product_id: id };
  } else if (action === "unpin") {
    path = "pin";
    body = { product_id: null };
  } else if (action === "say") {
    const line = $("say-text").value.trim();
    if (!line) return say("Type something for the presenter to say.", "error");
    body = { text: line };
  }
  button.disabled = true;
  try {
    const response = await fetch("/api/control/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify(body),
    });
    const reply = await response.json().catch(() => ({}));
    if (response.ok) {
      say(DONE[action] || "Done.", "ok");
      if (action === "say") $("say-text").value = "";
    } else if (response.status === 401) {
      say("That token was refused.", "error");
    } else {
      say(reply.error || "Failed: HTTP " + response.status, "error");
    }
  } catch (error) {
    say("The server did not answer: " + error.message, "error");
  } finally {
    button.disabled = false;
  }
}

for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => control(button.dataset.action, button));
}
// Enter in the "say" box says it; the form itself never submits (it would reload the page).
$("operator").addEventListener("submit", (event) => {
  event.preventDefault();
  if (document.activeElement === $("say-text")) {
    control("say", document.querySelector('[data-action="say"]'));
  }
});

// For tests and the curious: the live connection and the last state.
window.hostcast = {
  peer: () => pc,
  state: () => lastState,
  audioLevel: () => (audioMeter ? audioMeter.level : 0),
};

listen();
connect();
