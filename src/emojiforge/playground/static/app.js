// EmojiForge playground: submit a job, poll its progress, show the options as Slack would.
// Plain DOM, no framework; text from the server is only ever set with textContent.
"use strict";

const POLL_MS = 300;
const FIELDS = ["description", "style", "effect", "name", "options", "provider"];
// Store statuses → the page's four steps.
const STEP_OF = {
  received: "queued", queued: "queued", generating: "generating",
  delivering: "delivering", delivered: "done", failed: "failed",
};
const STEPS = ["queued", "generating", "delivering", "done"];

const byId = (id) => document.getElementById(id);
let lastForm = null;
let canPostToSlack = false;
let pollTimer = null;

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function fillSelect(select, choices, selected) {
  select.replaceChildren(...choices.map(({ value, label }) => {
    const option = new Option(label, value);
    option.selected = value === selected;
    return option;
  }));
}

async function loadConfig() {
  const { data } = await api("/api/config");
  fillSelect(byId("style"), data.styles, "cartoon");
  fillSelect(byId("effect"), data.effects, "none");
  const counts = Array.from({ length: data.max_options }, (_, i) => String(i + 1));
  fillSelect(byId("options"), counts.map((n) => ({ value: n, label: n })), "1");
  fillSelect(byId("provider"), data.providers, data.default_provider);
  // Like the Slack modal: the choice only appears when there is one to make.
  byId("provider-field").hidden = data.providers.length < 2;
  canPostToSlack = Boolean(data.slack_post);
}

function readForm() {
  const form = {};
  for (const field of FIELDS) {
    const element = byId(field);
    if (field === "provider" && byId("provider-field").hidden) continue;
    form[field] = field === "options" ? Number(element.value) : element.value;
  }
  return form;
}

function clearErrors() {
  for (const field of [...FIELDS, "form"]) {
    const message = byId(`${field}-error`);
    message.hidden = true;
    message.textContent = "";
    byId(field)?.removeAttribute("aria-invalid");
  }
}

function showErrors(errors) {
  let first = null;
  for (const [field, text] of Object.entries(errors)) {
    const known = FIELDS.includes(field);
    const message = byId(known ? `${field}-error` : "form-error");
    message.textContent = text;
    message.hidden = false;
    if (known) {
      byId(field).setAttribute("aria-invalid", "true");
      first = first || byId(field);
    }
  }
  first?.focus();
}

async function submit(form) {
  clearErrors();
  lastForm = form;
  byId("submit").disabled = true;
  try {
    const { status, data } = await api("/api/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(form),
    });
    if (status === 202) {
      track(data.job_id);
    } else {
      showErrors(data.errors || { form: data.error || `Request failed (${status}).` });
    }
  } catch {
    showErrors({ form: "The server is not answering. Is emojiforge serve running?" });
  } finally {
    byId("submit").disabled = false;
  }
}

function showSteps(status) {
  const step = STEP_OF[status] || "queued";
  const reached = step === "failed" ? -1 : STEPS.indexOf(step);
  for (const item of byId("steps").children) {
    const index = STEPS.indexOf(item.dataset.step);
    item.className = index < reached || step === "done" ? "done" : index === reached ? "current" : "";
    item.toggleAttribute("aria-current", index === reached && step !== "done");
  }
  if (step === "failed") byId("steps").lastElementChild.className = "failed";
}

function track(jobId) {
  clearTimeout(pollTimer);
  byId("job").hidden = false;
  byId("results").replaceChildren();
  byId("job-status").textContent = "Queued…";
  showSteps("queued");
  const poll = async () => {
    let answer;
    try {
      answer = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
    } catch {
      // The server restarted or stopped: keep asking, it may come back.
      byId("job-status").textContent = "Waiting for the server…";
      pollTimer = setTimeout(poll, POLL_MS * 5);
      return;
    }
    const { status, data } = answer;
    if (status !== 200) {
      byId("job-status").textContent = "This job is gone.";
      return;
    }
    showSteps(data.status);
    if (data.status === "delivered") {
      byId("job-status").textContent = `Done in ${data.duration_s.toFixed(1)} s.`;
      showOptions(data.options);
      loadRecent();
    } else if (data.status === "failed") {
      byId("job-status").textContent = data.message || `It failed (${data.reason}).`;
      loadRecent();
    } else {
      byId("job-status").textContent = `${capitalise(STEP_OF[data.status] || data.status)}…`;
      pollTimer = setTimeout(poll, POLL_MS);
    }
  };
  poll();
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function showOptions(options) {
  const template = byId("option-template");
  byId("results").replaceChildren(...options.map((option) => {
    const card = template.content.firstElementChild.cloneNode(true);
    card.querySelector(".option-name").textContent = `:${option.name}:`;
    const frames = option.frames > 1 ? `${option.frames} frames` : "still";
    const kb = (option.bytes / 1024).toFixed(1);
    card.querySelector(".option-facts").textContent =
      `${option.format.toUpperCase()} · ${kb} KB (${option.bytes} bytes) · ${frames}`;
    for (const themed of card.querySelectorAll(".slack")) {
      const theme = themed.dataset.theme;
      for (const img of themed.querySelectorAll("img")) {
        img.src = option.url;
        img.alt = `:${option.name}: at ${img.width} px on the ${theme} theme`;
      }
    }
    const download = card.querySelector(".download");
    download.href = option.download_url;
    download.download = `${option.name}.${option.format}`;
    download.setAttribute("aria-label", `Download :${option.name}:`);
    card.querySelector(".regenerate").addEventListener("click", () => submit(lastForm));
    const post = card.querySelector(".post-slack");
    post.hidden = !canPostToSlack;
    post.addEventListener("click", () => postToSlack(option, post, card.querySelector(".post-status")));
    return card;
  }));
}

async function postToSlack(option, button, status) {
  button.disabled = true;
  const { status: code, data } = await api(`${option.url}/slack`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  status.textContent = code === 200 ? "Posted to Slack" : (data.error || "Could not post to Slack");
  button.disabled = code === 200;
}

async function loadRecent() {
  const { data } = await api("/api/jobs");
  const rows = (data.jobs || []).map((job) => {
    const row = document.createElement("tr");
    const cells = [
      job.description,
      job.status,
      job.provider || "—",
      `${job.duration_s.toFixed(1)} s`,
      job.reason || "",
    ];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    row.children[1].className = `status-${job.status}`;
    return row;
  });
  if (rows.length) byId("recent-jobs").replaceChildren(...rows);
}

document.addEventListener("DOMContentLoaded", async () => {
  byId("emoji-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(readForm());
  });
  await loadConfig();
  await loadRecent();
});
