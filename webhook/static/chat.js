"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("message");
  const send = document.getElementById("send");
  let csrf = "";

  function addMessage(role, text) {
    const div = document.createElement("div");
    div.className = "msg " + role;
    div.textContent = text;
    log.appendChild(div);
    div.scrollIntoView({ block: "end" });
    return div;
  }

  function showCitations(div, citations) {
    if (!citations || !citations.length) return;
    const box = document.createElement("div");
    box.className = "citations";
    box.textContent = "出处：";
    const list = document.createElement("ul");
    for (const c of citations) {
      const li = document.createElement("li");
      let line = "《" + c.title + "》";
      if (c.section) line += " " + c.section;
      if (c.updated) line += "（" + c.updated + "）";
      li.textContent = line;
      list.appendChild(li);
    }
    box.appendChild(list);
    div.appendChild(box);
  }

  function showStaff(name) {
    document.getElementById("login-form").hidden = Boolean(name);
    document.getElementById("staff-status").hidden = !name;
    document.getElementById("staff-name").textContent = name || "";
    document.getElementById("staff-toggle").textContent = name ? "工作人员：" + name : "工作人员登录";
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
  }

  async function refreshSession() {
    const res = await fetch("/api/session", { credentials: "same-origin" });
    const data = await res.json();
    csrf = data.csrf;
    showStaff(data.staff);
  }

  function handleEvent(block, state) {
    let name = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) name = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (!data) return;
    const payload = JSON.parse(data);
    if (name === "token") {
      state.text += payload.text;
      state.div.textContent = state.text;
    } else if (name === "reply") {
      state.div.textContent = payload.text;
      showCitations(state.div, payload.citations);
      state.done = true;
    }
  }

  async function ask(text) {
    addMessage("user", text);
    const state = { div: addMessage("bot", "正在思考……"), text: "", done: false };
    const res = await post("/api/chat", { message: text });
    if (!res.ok) {
      let detail = "暂时无法回答，请稍后再试。";
      try { detail = (await res.json()).detail || detail; } catch (e) { /* keep default */ }
      state.div.textContent = detail;
      if (res.status === 403) await refreshSession();
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        handleEvent(buffer.slice(0, cut), state);
        buffer = buffer.slice(cut + 2);
      }
    }
    if (!state.done && !state.text) state.div.textContent = "暂时无法回答，请稍后再试。";
    state.div.scrollIntoView({ block: "end" });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send.disabled = true;
    try { await ask(text); } catch (e) { addMessage("bot", "网络连接中断，请稍后再试。"); }
    send.disabled = false;
    input.focus();
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.getElementById("bigger").addEventListener("click", () => {
    document.body.classList.toggle("big");
    localStorage.setItem("weiai-big", document.body.classList.contains("big") ? "1" : "");
  });
  if (localStorage.getItem("weiai-big")) document.body.classList.add("big");

  document.getElementById("staff-toggle").addEventListener("click", () => {
    const panel = document.getElementById("staff-panel");
    panel.hidden = !panel.hidden;
  });

  document.getElementById("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const res = await post("/api/login", { username: data.get("username"), password: data.get("password") });
    const body = await res.json();
    const error = document.getElementById("login-error");
    if (!res.ok) { error.textContent = body.detail || "登录失败。"; return; }
    error.textContent = "";
    csrf = body.csrf;
    showStaff(body.staff);
    event.target.reset();
  });

  document.getElementById("logout").addEventListener("click", async () => {
    const res = await post("/api/logout", {});
    const body = await res.json();
    csrf = body.csrf;
    showStaff(null);
  });

  refreshSession();
})();
