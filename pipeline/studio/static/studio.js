// Podcast Studio: plain JavaScript, served from this machine (no framework, no CDN).
// Every piece of text from a post, a script, a transcript or a file name reaches the
// page through textContent (el() below); nothing is ever parsed as HTML.
"use strict";

const TOKEN = document.querySelector('meta[name="studio-token"]').content;
const main = () => document.getElementById("main");
const state = { info: null, jobs: new Map(), sources: new Map(), view: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;   // CSSOM: allowed by the page's CSP, unlike a style attribute
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// replaceChildren without the gaps (null, false) that el() skips too
function put(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

function clock(s) {
  if (s === null || s === undefined || isNaN(s)) return "–";
  s = Math.max(0, Math.floor(s));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

async function api(path, options = {}) {
  const opts = { ...options, headers: { ...(options.headers || {}) } };
  if (opts.method && opts.method !== "GET") opts.headers["X-Studio-Token"] = TOKEN;
  const res = await fetch(path, opts);
  let body = {};
  try { body = await res.json(); } catch (e) { body = { error: `${res.status} ${res.statusText}` }; }
  if (!res.ok) { const err = new Error(body.error || res.statusText); err.body = body; err.status = res.status; throw err; }
  return body;
}

const postJSON = (path, data) => api(path, { method: "POST", body: JSON.stringify(data || {}),
  headers: { "Content-Type": "application/json" } });

function verdictBadge(v, stale) {
  if (!v) return el("span", { class: "badge idle" }, "not built");
  if (stale) return el("span", { class: "badge warn" }, "STALE");
  return v.verified ? el("span", { class: "badge ok" }, "VERIFIED") : el("span", { class: "badge bad" }, "NOT VERIFIED");
}

// ------------------------------------------------------------------ jobs and progress
function follow(job, onDone) {
  state.jobs.set(job.id, { ...job, stages: [], lines: [], onDone });
  const src = new EventSource(`/api/jobs/${job.id}/events`);
  state.sources.set(job.id, src);
  const update = (fn) => (ev) => { const j = state.jobs.get(job.id); fn(j, JSON.parse(ev.data)); renderJobs(); };
  const finish = (j) => {
    if (j.finished) return;
    j.finished = true;
    j.stages = [];
    src.close();
    if (j.onDone) j.onDone(j);
  };
  src.addEventListener("state", update((j, d) => {
    j.state = d.state;
    if (d.ahead !== undefined) j.ahead = d.ahead;
    if (d.error) j.error = d.error;
    if (d.result) j.result = d.result;
    if (d.state === "done" || d.state === "failed") finish(j);
  }));
  src.addEventListener("stages", update((j, d) => { j.stages = d.stages; }));
  src.addEventListener("line", update((j, d) => { j.lines.push(d.text); }));
  src.addEventListener("end", async () => {
    // the stream is over: should its last state have been missed, ask for it once
    src.close();
    const j = state.jobs.get(job.id);
    if (j.finished) return;
    try {
      const found = (await api("/api/jobs")).jobs.find((x) => x.id === job.id);
      if (found && (found.state === "done" || found.state === "failed")) {
        Object.assign(j, { state: found.state, result: found.result, error: found.error });
        finish(j);
        renderJobs();
      }
    } catch (e) { /* the next page load shows it */ }
  });
  renderJobs();
}

function stageRow(s) {
  const share = s.total ? Math.min(100, (100 * s.done) / s.total) : null;
  return el("div", { class: "stage" },
    el("span", { class: "label" }, s.label),
    el("span", { class: "amount" }, [s.amount, clock(s.elapsed)].filter(Boolean).join("  ·  ")),
    el("div", { class: "bar" + (share === null ? " spin" : "") },
      el("i", share === null ? {} : { style: `width:${share.toFixed(1)}%` })));
}

// A build's lines on its card: every stage's own line ("[1/6] ingest …", as the terminal
// keeps them), and the last few others (heal rounds can say a dozen), in order.
function shownLines(lines) {
  const one = lines.filter((l) => !l.includes("\n"));
  const step = (l) => /^\[\d+\/\d+\]/.test(l);
  const others = one.map((l, i) => [l, i]).filter(([l]) => !step(l)).slice(-4).map(([, i]) => i);
  return one.filter((l, i) => step(l) || others.includes(i));
}

function jobCard(j) {
  const badge = { queued: el("span", { class: "badge idle" }, j.ahead ? `queued · ${j.ahead} ahead` : "queued"),
    running: el("span", { class: "badge warn" }, "building"),
    done: verdictBadge(j.result && j.result.verified !== undefined ? j.result : null),
    failed: el("span", { class: "badge bad" }, "failed") }[j.state];
  const card = el("div", { class: "job", id: `job-${j.id}`, "data-state": j.state },
    el("div", { class: "row spread" }, el("span", { class: "name" }, j.label), badge));
  if (j.lines.length) card.append(el("ul", { class: "lines" }, shownLines(j.lines).map((l) => el("li", {}, l))));
  for (const s of j.stages || []) card.append(stageRow(s));
  if (j.state === "failed") card.append(el("div", { class: "alert bad job-error" }, j.error));
  if (j.state === "done" && j.result && j.result.total !== undefined) {
    card.append(el("div", { class: "alert " + (j.result.verified ? "ok" : "bad") + " job-verdict" },
      `${j.result.ok}/${j.result.total} numbers heard with the right value — `,
      j.result.verified ? "VERIFIED" : "NOT VERIFIED: a number was lost or changed"));
    if (j.slug) card.append(el("div", { class: "row", style: "margin-top:10px" },
      el("a", { class: "btn primary", href: `#/ep/${encodeURIComponent(j.slug)}`, id: `open-${j.id}` }, "Hear and check →")));
  }
  return card;
}

function renderJobs() {
  const list = document.getElementById("jobs");
  if (list) {
    const jobs = [...state.jobs.values()].filter((j) => j.kind === "build").reverse();
    put(list, ...(jobs.length ? jobs.map(jobCard) : [el("p", { class: "muted" }, "No build yet. Each build shows its stages here as they run.")]));
  }
  const strip = document.getElementById("ep-job");
  if (strip && state.view) {
    const j = [...state.jobs.values()].reverse().find((x) => x.slug === state.view.slug && x.kind === "rebuild");
    put(strip, ...(j && j.state !== "done" ? [jobCard(j)] : []));
  }
  const active = [...state.jobs.values()].filter((j) => j.state === "running" || j.state === "queued");
  const pill = document.getElementById("queue-pill");
  put(pill, ...(active.length ? [el("span", { class: "dot" }), `${active.length} build${active.length > 1 ? "s" : ""} in progress`] : []));
}

// ------------------------------------------------------------------ Make
function makeScreen() {
  const info = state.info;
  let mode = "file", file = null;
  const fileInput = el("input", { type: "file", id: "file-input", accept: info.types.join(",") });
  const chosen = el("div", { class: "chosen muted", id: "chosen" }, "No file chosen.");
  const drop = el("label", { class: "drop", id: "drop" }, fileInput,
    el("span", { class: "big" }, "Drop a post here, or click to choose"),
    el("span", { class: "muted small" }, `${info.types.join(" ")} · up to ${Math.round(info.max_upload / 1024)} kB`));
  const pick = (f) => { file = f; chosen.textContent = f ? `${f.name} · ${(f.size / 1024).toFixed(1)} kB` : "No file chosen."; };
  fileInput.addEventListener("change", () => pick(fileInput.files[0] || null));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); pick(e.dataTransfer.files[0] || null); });
  const text = el("textarea", { id: "text-input", placeholder: "Paste the post: Markdown or plain text." });
  const name = el("input", { type: "text", id: "name-input", placeholder: "Episode name (optional)" });
  const url = el("input", { type: "url", id: "url-input", placeholder: "https://example.com/blog/post" });
  const panes = { file: el("div", {}, drop, chosen), text: el("div", {}, name, el("div", { style: "height:8px" }), text),
    url: el("div", {}, url, el("p", { class: "muted small" }, "The page is fetched once, read like a saved HTML post.")) };
  const paneBox = el("div", {}, panes.file);
  const tabs = el("div", { class: "tabs" }, ...[["file", "Upload a file"], ["text", "Paste text"], ["url", "From a URL"]].map(([k, label]) =>
    el("button", { type: "button", class: k === mode ? "on" : "", id: `tab-${k}`, on: { click: (e) => {
      mode = k; tabs.querySelectorAll("button").forEach((b) => b.classList.remove("on")); e.target.classList.add("on");
      put(paneBox, panes[k]); } } }, label)));
  const select = (id, options, value) => el("select", { id }, options.map(([v, l]) => el("option", { value: v, selected: v === value }, l)));
  const lang = select("lang-select", [["", "Detect"], ...info.languages.map((l) => [l, { en: "English", fr: "Français" }[l] || l])], "");
  const preferred = ["piper", "kokoro", "pico", "espeak", "gtts"].find((n) => info.tts.includes(n)) || info.tts[0];
  const tts = select("tts-select", info.tts.map((n) => [n, n]), preferred);
  const asr = select("asr-select", info.asr.map((n) => [n, n]), info.default_asr);
  const fmt = select("format-select", [["", "As the post says"], ...info.formats.map((f) =>
    [f, { narration: "Narration (one voice)", conversation: "Conversation (two hosts)" }[f] || f])], "");
  const length = select("length-select", [["", "As the post says"], ...Object.entries(info.lengths).map(([k, s]) =>
    [k, `${k[0].toUpperCase()}${k.slice(1)} (${s / 60} min)`]), ["minutes", "Minutes…"]], "");
  const minutes = el("input", { type: "number", id: "minutes-input", min: "0.5", max: "60", step: "0.5", value: "5", hidden: true });
  length.addEventListener("change", () => { minutes.hidden = length.value !== "minutes"; });
  const problem = el("div", { id: "make-error" });
  const button = el("button", { class: "btn primary", id: "build-btn", type: "button" }, "Build episode");
  button.addEventListener("click", async () => {
    put(problem);
    const form = new FormData();
    if (mode === "file") { if (!file) return problem.append(el("div", { class: "alert bad" }, "Choose a post file first.")); form.append("file", file, file.name); }
    if (mode === "text") { form.append("text", text.value); form.append("name", name.value); }
    if (mode === "url") form.append("url", url.value);
    form.append("lang", lang.value); form.append("tts", tts.value); form.append("asr", asr.value);
    form.append("format", fmt.value); form.append("minutes", length.value === "minutes" ? minutes.value : length.value);
    button.disabled = true;
    try {
      const res = await api("/api/builds", { method: "POST", body: form });
      follow(res.job);
    } catch (e) {
      problem.append(el("div", { class: "alert bad" }, e.message));
    } finally { button.disabled = false; }
  });
  return el("div", { class: "page" },
    el("h1", {}, "Make an episode"),
    el("p", { class: "muted" }, "A post becomes a short audio episode of its key points; every number is heard back by Whisper before it is called verified."),
    el("div", { class: "grid make-grid", style: "margin-top:18px" },
      el("section", { class: "card" }, el("h2", {}, "The post"), tabs, paneBox,
        el("div", { class: "options" },
          el("label", { class: "field" }, "Language", lang),
          el("label", { class: "field" }, "Voice (TTS)", tts),
          el("label", { class: "field" }, "Recognizer (ASR)", asr),
          el("label", { class: "field" }, "Format", fmt),
          el("label", { class: "field" }, "Length", length, minutes)),
        el("div", { class: "row" }, button, el("span", { class: "muted small" }, "One build runs at a time; others wait in line.")),
        problem),
      el("section", { class: "card" }, el("h2", {}, "Builds"), el("div", { id: "jobs" }))));
}

// ------------------------------------------------------------------ Hear, check, fix
function episodeScreen(v) {
  const audio = el("audio", { id: "player", controls: true, preload: "metadata", src: v.audio ? `/files/${encodeURIComponent(v.slug)}/episode.mp3` : null });
  const seek = (t) => { if (t === null || t === undefined) return; audio.currentTime = t; audio.play().catch(() => {}); };
  const chapters = el("ol", { class: "chapters", id: "chapters" }, v.chapters.map((c) =>
    el("li", { "data-start": c.start, "data-end": c.end }, el("button", { type: "button", on: { click: () => seek(c.start) } },
      el("span", { class: "t" }, clock(c.start)), el("span", {}, c.title)))));
  audio.addEventListener("timeupdate", () => {
    for (const li of chapters.children) {
      const on = audio.currentTime >= +li.dataset.start && audio.currentTime < +li.dataset.end;
      li.classList.toggle("now", on);
    }
  });

  const v8 = v.verdict;
  const b = v.binding;
  const verdict = v8 ? el("div", { class: "verdict " + (v8.verified && !(b && b.stale) ? "ok" : "bad"), id: "verdict" },
    el("div", {}, el("div", { class: "big", id: "verdict-text" }, v8.verified ? "VERIFIED" : "NOT VERIFIED"),
      el("div", { class: "small" }, v8.verified ? "Every number of the script was heard with its value."
        : "A number was lost or changed: it stands out in red below.")),
    el("div", { class: "meter" }, el("div", { class: "big", id: "verdict-count" }, `${v8.ok}/${v8.total}`),
      el("div", { class: "small muted" }, "numbers heard right"))) : el("div", { class: "alert warn" }, "Not verified yet: build it.");
  const binding = b ? el("div", { class: "binding" + (b.stale ? " stale" : ""), id: "binding" },
    b.stale ? `Stale: ${b.cause}. Rebuild to judge it again.` : "Bound: the verdict speaks for the files in the folder as they are now.") : null;

  const rows = v.numbers.map((n, i) => el("tr", { class: n.status, "data-start": n.start, id: `num-${i}`, on: { click: (e) => {
      document.querySelectorAll("tr.playing").forEach((r) => r.classList.remove("playing"));
      e.currentTarget.classList.add("playing"); seek(n.start); } } },
    el("td", { class: "time" }, clock(n.start)),
    el("td", { class: "num" }, n.text),
    el("td", {}, n.heard || "—"),
    el("td", {}, el("span", { class: "badge " + (n.status === "ok" ? "ok" : n.status === "unit-missing" ? "warn" : "bad") }, n.status)),
    el("td", { class: "src" }, n.sentence || (n.segment === "intro" || n.segment === "outro" ? "(the episode's own words)" : ""))));
  const problems = v.numbers.filter((n) => n.status !== "ok").length;
  const table = el("div", { class: "scroll" }, el("table", { class: "numbers", id: "numbers" },
    el("thead", {}, el("tr", {}, ["Time", "Script", "Heard", "Status", "Source sentence"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows)));

  const guard = v.guard && v.guard.length ? el("div", { class: "alert bad", id: "guard-banner" },
    "Numbers not in the post: ", v.guard.map((g) => `"${g.text}" (point ${g.point})`).join(", "),
    ". A build refuses them until they are fixed or approved.") : null;

  const points = el("div", { id: "points" }, v.points.map((p) => pointCard(v, p)));
  const diff = el("div", { class: "diff", id: "diff" },
    el("div", { class: "legend" }, el("span", {}, el("del", {}, "script only")), el("span", {}, el("ins", {}, "heard only")),
      el("span", { class: "n-ok" }, "number heard"), el("span", { class: "n-lost" }, "number lost or changed")),
    v.diff_problem ? el("div", { class: "alert warn" }, v.diff_problem) : null,
    v.diff.map((seg) => el("div", {}, el("h4", {}, seg.title),
      el("p", { style: "margin:0" }, seg.ops.flatMap((op) => {
        const cls = op.number ? `n-${op.number}` : null;
        const node = op.kind === "del" ? el("del", { class: cls }, op.text) : op.kind === "ins" ? el("ins", {}, op.text) : el("span", { class: cls }, op.text);
        return [node, " "];
      })))));

  return el("div", { class: "page" },
    el("div", { class: "row spread" },
      el("div", {}, el("h1", { id: "ep-title" }, v.title),
        el("div", { class: "muted small" }, [v.slug, v.language, v.engines ? `${v.engines.tts} → ${v.engines.asr}` : ""].filter(Boolean).join(" · "))),
      el("div", { class: "row" },
        v.notes ? el("a", { class: "btn", href: `/files/${encodeURIComponent(v.slug)}/shownotes.html`, target: "_blank", rel: "noopener" }, "Show notes") : null,
        el("button", { class: "btn primary", id: "rebuild-btn", type: "button", on: { click: () => rebuild(v.slug) } }, "Rebuild"))),
    el("div", { id: "ep-job" }),
    verdict, binding, guard,
    el("div", { class: "grid two", style: "margin-top:18px" },
      el("div", { class: "stack" },
        el("section", { class: "card" }, el("h2", {}, "Listen"), audio, chapters),
        el("section", { class: "card" }, el("h2", {}, "Key points"),
          el("p", { class: "muted small", style: "margin-top:-8px" }, v.format === "conversation" ? `A conversation between ${v.hosts.join(" and ")}: edit a turn in place; only what changed is spoken and heard again.`
            : "Edit a point in place; only what changed is spoken and heard again."), points)),
      el("div", { class: "stack" },
        el("section", { class: "card" }, el("div", { class: "row spread" }, el("h2", {}, "Every number, heard back"),
          el("span", { class: "small " + (problems ? "" : "muted") }, problems ? `${problems} to look at` : "click a row to hear it")), table),
        el("section", { class: "card" }, el("h2", {}, "Script against transcript"), diff))));
}

function pointCard(v, p) {
  const card = el("article", { class: "point", id: `point-${p.index}` });
  const url = `/api/episodes/${encodeURIComponent(v.slug)}/points/${p.index}`;
  const title = () => el("h3", {}, `${p.index}. ${p.title}`);
  const meta = () => [p.approved.length ? el("div", { class: "meta" }, "Approved: ", p.approved.join(", ")) : null,
    p.sources.length ? el("div", { class: "meta" }, "From the post: ", p.sources.join(" ")) : null];
  if (!p.turns.length) {
    editable(card, { key: String(p.index), item: p, url, slug: v.slug, head: title, extra: meta });
    return card;
  }
  // a conversation: the point is spoken as its turns, each edited on its own
  const turns = el("ol", { class: "turns" }, p.turns.map((t) => {
    const li = el("li", { class: "turn", id: `turn-${p.index}-${t.index}` });
    editable(li, { key: `${p.index}-${t.index}`, item: t, url: `${url}/turns/${t.index}`, slug: v.slug,
      head: () => el("span", { class: "speaker" }, t.speaker), extra: () => [] });
    return li;
  }));
  put(card, title(), turns, meta());
  return card;
}

// A text shown with its Edit button, edited in place: "Save and rebuild" writes it (the guard
// may refuse a number not in the post: approve it and save), then the episode is rebuilt.
function editable(node, { key, item, url, slug, head, extra }) {
  const show = () => {
    node.classList.remove("editing");
    put(node,
      el("div", { class: "row spread" }, head(),
        el("button", { class: "btn small", type: "button", id: `edit-${key}`, on: { click: edit } }, "Edit")),
      el("p", { class: "text" }, item.text), extra());
  };
  const edit = () => {
    node.classList.add("editing");
    const box = el("textarea", { id: `edit-text-${key}`, rows: 4 }, item.text);
    box.value = item.text;
    const alertBox = el("div", { id: `guard-${key}` });
    const save = async (approve) => {
      put(alertBox);
      try {
        await postJSON(url, { text: box.value, approve });
        item.text = box.value;
        await rebuild(slug);
      } catch (e) {
        const refused = (e.body && e.body.refused) || [];
        alertBox.append(el("div", { class: "alert bad", role: "alert" }, e.message,
          refused.length ? el("div", { class: "row", style: "margin-top:8px" },
            el("button", { class: "btn small", type: "button", id: `approve-${key}`,
              on: { click: () => save([...approve, ...refused.map((r) => r.text)]) } },
              `Approve ${refused.map((r) => `"${r.text}"`).join(", ")} and save`)) : null));
      }
    };
    put(node, head(), box,
      el("div", { class: "row", style: "margin-top:8px" },
        el("button", { class: "btn primary small", type: "button", id: `save-${key}`, on: { click: () => save([]) } }, "Save and rebuild"),
        el("button", { class: "btn small", type: "button", on: { click: show } }, "Cancel")), alertBox);
    box.focus();
  };
  show();
}

async function rebuild(slug) {
  try {
    const res = await postJSON(`/api/episodes/${encodeURIComponent(slug)}/rebuild`);
    if (!state.jobs.has(res.job.id)) follow(res.job, () => { if (location.hash === `#/ep/${encodeURIComponent(slug)}`) route(); });
  } catch (e) {
    const strip = document.getElementById("ep-job");
    if (strip) put(strip, el("div", { class: "alert bad", role: "alert" }, e.message));
  }
}

// ------------------------------------------------------------------ Publish
function episodesScreen(data) {
  const feedBtn = el("button", { class: "btn", id: "feed-btn", type: "button" }, "Update the feed");
  const feedState = el("span", { class: "muted small", id: "feed-state" });
  feedBtn.addEventListener("click", async () => {
    feedBtn.disabled = true; feedState.textContent = "writing the feed…";
    try {
      const res = await postJSON("/api/feed");
      follow(res.job, (j) => { feedBtn.disabled = false; feedState.textContent = j.state === "done" ? "feed written" : j.error; if (j.state === "done") route(); });
    } catch (e) { feedBtn.disabled = false; feedState.textContent = e.message; }
  });
  const rows = data.episodes.map((e) => el("tr", { id: `ep-row-${e.slug}` },
    el("td", { class: "title" }, el("a", { href: `#/ep/${encodeURIComponent(e.slug)}` }, e.title),
      el("div", { class: "muted small" }, e.slug)),
    el("td", {}, verdictBadge(e.verdict, e.stale)),
    el("td", { class: "small" }, e.verdict ? `${e.verdict.ok}/${e.verdict.total} numbers` : (e.problem || "")),
    el("td", {}, el("div", { class: "row" },
      el("a", { class: "btn small", href: `#/ep/${encodeURIComponent(e.slug)}` }, "Hear and check"),
      e.notes ? el("a", { class: "btn small", href: `/files/${encodeURIComponent(e.slug)}/shownotes.html`, target: "_blank", rel: "noopener" }, "Show notes") : null,
      e.audio ? el("a", { class: "btn small", href: `/files/${encodeURIComponent(e.slug)}/episode.mp3`, download: "" }, "MP3") : null))));
  return el("div", { class: "page" },
    el("h1", {}, "Episodes"),
    el("p", { class: "muted" }, "Only verified episodes whose verdict still holds go into the feed."),
    el("section", { class: "card", style: "margin-top:18px" }, el("div", { class: "feed" },
      el("strong", {}, "Feed"),
      data.feed ? el("a", { href: "/files/feed.xml", id: "feed-link", target: "_blank" }, el("code", {}, `${location.origin}/files/feed.xml`))
        : el("span", { class: "muted" }, "not written yet"),
      el("span", { style: "margin-left:auto" }), feedState, feedBtn)),
    el("section", { class: "card" }, rows.length ? el("table", { class: "list", id: "episode-list" },
      el("thead", {}, el("tr", {}, ["Episode", "Verdict", "Numbers", ""].map((h) => el("th", {}, h)))), el("tbody", {}, rows))
      : el("div", { class: "empty" }, "No episode yet. ", el("a", { href: "#/make" }, "Make the first one."))));
}

// ------------------------------------------------------------------ routing
async function route() {
  const hash = location.hash || "#/make";
  document.querySelectorAll(".top nav a").forEach((a) => a.classList.toggle("on", hash.startsWith(a.getAttribute("href")) || (hash.startsWith("#/ep/") && a.id === "nav-episodes")));
  state.view = null;
  try {
    if (!state.info) state.info = await api("/api/info");
    if (hash.startsWith("#/ep/")) {
      const slug = decodeURIComponent(hash.slice(5));
      const v = await api(`/api/episodes/${encodeURIComponent(slug)}`);
      state.view = v;
      put(main(), episodeScreen(v));
      if (v.job && !state.jobs.has(v.job.id)) follow(v.job, () => route());
    } else if (hash.startsWith("#/episodes")) {
      put(main(), episodesScreen(await api("/api/episodes")));
    } else {
      put(main(), makeScreen());
    }
  } catch (e) {
    put(main(), el("div", { class: "page" }, el("div", { class: "alert bad" }, e.message)));
  }
  renderJobs();
}

async function resume() {
  try {
    const { jobs } = await api("/api/jobs");
    for (const j of jobs) if (!state.jobs.has(j.id) && j.kind === "build") follow(j);
  } catch (e) { /* the page still works without the list of earlier builds */ }
}

window.addEventListener("hashchange", route);
route().then(resume);
