/* AG2 run viewer: one page over either the local JSON API or data embedded in the page. */
(function () {
  "use strict";
  var KINDS = ["message", "llm_call", "llm_failure", "tool", "code", "speaker", "handoff", "guardrail", "human_input",
    "chat", "termination", "event"];
  var LABEL = { message: "messages", llm_call: "LLM calls", llm_failure: "failed LLM calls", tool: "tools", code: "code",
    speaker: "speaker", handoff: "handoffs", guardrail: "guardrails", human_input: "human input", chat: "nested chats",
    termination: "termination", event: "events" };
  var CHAT_KIND = { two_agent: "two-agent chat", group: "group chat", pattern: "pattern chat" };
  var CLIP = 2000;

  // ------------------------------------------------------------------ data sources
  function httpApi() {
    function get(path) {
      return fetch(path).then(function (r) {
        if (!r.ok) { throw new Error(path + ": HTTP " + r.status); }
        return r.json();
      });
    }
    return {
      log: function () { return get("api/log"); },
      items: function (run, q) {
        var p = new URLSearchParams({ offset: q.offset, limit: q.limit, kinds: q.kinds.join(","), q: q.text });
        return get("api/runs/" + run + "/items?" + p.toString());
      },
      call: function (run, n) { return get("api/runs/" + run + "/calls/" + n); }
    };
  }

  function embeddedApi(data) {
    var cache = {};
    function filtered(run, q) {
      var key = run + "|" + q.kinds.join(",") + "|" + q.text;
      if (!cache[key]) {
        var want = {}; q.kinds.forEach(function (k) { want[k] = true; });
        var text = q.text.toLowerCase().trim();
        cache[key] = data.runs[run].items.filter(function (it) {
          return (!q.kinds.length || want[it.kind]) && (!text || JSON.stringify(it).toLowerCase().indexOf(text) >= 0);
        });
      }
      return cache[key];
    }
    return {
      log: function () {
        return Promise.resolve({ kind: data.kind, source: data.source, runs: data.runs.map(function (r) {
          var s = {}; Object.keys(r).forEach(function (k) { if (k !== "items" && k !== "calls") { s[k] = r[k]; } });
          var counts = {}; r.items.forEach(function (it) { counts[it.kind] = (counts[it.kind] || 0) + 1; });
          s.counts = counts; s.n_items = r.items.length; s.n_calls = r.calls.length;
          return s;
        }) });
      },
      items: function (run, q) {
        var all = filtered(run, q);
        return Promise.resolve({ total: all.length, offset: q.offset, limit: q.limit,
          items: all.slice(q.offset, q.offset + q.limit) });
      },
      call: function (run, n) { return Promise.resolve(data.runs[run].calls[n]); }
    };
  }

  var dataEl = document.getElementById("ag2-viewer-data");
  var api = dataEl ? embeddedApi(JSON.parse(dataEl.textContent)) : httpApi();

  // ------------------------------------------------------------------ DOM helpers (text only, never HTML)
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "text") { el.textContent = String(v); }
        else if (k === "onclick") { el.addEventListener("click", v); }
        else if (k === "style") { el.setAttribute("style", v); }
        else { el.setAttribute(k, v === true ? "" : String(v)); }
      });
    }
    for (var i = 2; i < arguments.length; i++) { add(el, arguments[i]); }
    return el;
  }
  function add(el, child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { add(el, c); }); return; }
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }
  function $(id) { return document.getElementById(id); }
  function json(v) { try { return JSON.stringify(v, null, 2); } catch (e) { return String(v); } }
  function money(v) { return v === null || v === undefined ? "" : "$" + Number(v).toFixed(Number(v) && Number(v) < 0.01 ? 6 : 4); }
  function secs(v) { return v === null || v === undefined ? "" : Number(v).toFixed(v < 1 ? 3 : 2) + "s"; }
  function ms(v) { return v === null || v === undefined ? "" : secs(Number(v) / 1000); }
  function has(v) { return v !== null && v !== undefined && v !== ""; }
  function color(name) {
    var x = 0; name = String(name || "");
    for (var i = 0; i < name.length; i++) { x = (x * 31 + name.charCodeAt(i)) % 360; }
    return "hsl(" + x + ",55%,48%)";
  }
  function tokens(u) {
    if (!u || (u.prompt === undefined && u.completion === undefined)) { return ""; }
    return (u.prompt || 0) + " \u2192 " + (u.completion || 0) + " tokens";
  }

  // Text with ``` fences shown as code blocks; very long text clipped behind a button.
  function richText(text) {
    var box = h("div", { "class": "body" });
    text = String(text || "");
    function fill(full) {
      clear(box);
      var shown = full ? text : text.slice(0, CLIP);
      var parts = shown.split(/```/);
      parts.forEach(function (part, i) {
        if (i % 2 === 1) {
          var nl = part.indexOf("\n");
          var lang = nl > 0 ? part.slice(0, nl).trim() : "";
          box.appendChild(h("pre", { "class": "code", "data-lang": lang }, nl > 0 && /^[\w+-]*$/.test(lang) ? part.slice(nl + 1) : part));
        } else if (part) {
          box.appendChild(document.createTextNode(part));
        }
      });
      if (!full && text.length > CLIP) {
        box.appendChild(h("div", { "class": "more" }, h("button", { text: "show all " + text.length + " characters",
          onclick: function () { fill(true); } })));
      }
    }
    fill(false);
    return box;
  }

  // ------------------------------------------------------------------ state
  var state = { log: null, run: 0, offset: 0, limit: 200, kinds: [], text: "", total: 0, call: null, seq: 0 };

  function showError(err) {
    var main = $("main");
    main.insertBefore(h("div", { "class": "item err", text: "Error: " + (err && err.message ? err.message : err) }), main.firstChild);
  }

  function start() {
    api.log().then(function (log) {
      state.log = log;
      $("src").textContent = log.kind + " \u00b7 " + log.source;
      var ul = $("runs"); clear(ul);
      if (!log.runs.length) { $("main").appendChild(h("div", { "class": "empty", text: "This log has no runs." })); return; }
      log.runs.forEach(function (r, n) {
        var m = [r.start || "", (r.counts.message || 0) + " messages", r.n_calls + " LLM calls"];
        if (r.chat_kind) { m.unshift(CHAT_KIND[r.chat_kind] || r.chat_kind); }
        if (r.termination_code) { m.push(r.termination_code); }
        ul.appendChild(h("li", { "data-run": n, "data-kind": r.chat_kind || null, onclick: function () { selectRun(n); } },
          h("div", { "class": "t", text: r.title || r.id || "run " + (n + 1) }),
          h("div", { "class": "m", text: m.join(" \u00b7 ") })));
      });
      selectRun(0);
    }).catch(showError);
  }

  function selectRun(n) {
    state.run = n; state.offset = 0; state.call = null;
    // Keep the kinds filter across runs only for the kinds the new run has (else show everything).
    var counts = state.log.runs[n].counts || {};
    state.kinds = state.kinds.filter(function (k) { return counts[k]; });
    closeDetail();
    Array.prototype.forEach.call($("runs").children, function (li, i) { li.className = i === n ? "active" : ""; });
    renderHead(state.log.runs[n]);
    loadPage();
  }

  function totalsTable(title, rows, withMessages) {
    var names = Object.keys(rows || {});
    if (!names.length) { return null; }
    var head = [title, "LLM calls", "failed attempts", "tokens in", "tokens out", "cost", "latency"];
    if (withMessages) { head.splice(1, 0, "messages"); }
    return h("table", { "class": "totals", "data-table": title },
      h("tr", null, head.map(function (x) { return h("th", { text: x }); })),
      names.map(function (name) {
        var b = rows[name];
        var cells = [name, b.calls === null || b.calls === undefined ? "" : b.calls, b.failures || 0, b.prompt_tokens || 0,
          b.completion_tokens || 0, money(b.cost), secs(b.latency)];
        if (withMessages) { cells.splice(1, 0, b.messages || 0); }
        return h("tr", null, cells.map(function (x) { return h("td", { text: x }); }));
      }));
  }

  function renderHead(run) {
    var main = $("main"); clear(main);
    var t = run.totals || {};
    var all = t.all || {};
    main.appendChild(h("section", { "class": "run-head" },
      h("h2", { text: run.title || run.id }),
      h("div", { "class": "meta", text: "run " + run.id + " \u00b7 " + (run.start || "?") + " \u2192 " + (run.end || "?") +
        " \u00b7 " + run.n_items + " timeline items \u00b7 " + (all.messages || 0) + " messages \u00b7 " + run.n_calls + " LLM calls \u00b7 " +
        (all.prompt_tokens || 0) + " \u2192 " + (all.completion_tokens || 0) + " tokens \u00b7 " + money(all.cost || 0) +
        (all.failures ? " \u00b7 " + all.failures + " failed LLM attempts" : "") }),
      run.chat ? h("div", { "class": "meta", id: "chat-info", text: (CHAT_KIND[run.chat.kind] || run.chat.kind || "chat") + ": " +
        (run.chat.initiator || "?") + " \u2192 " + (run.chat.recipient || "?") +
        (run.chat.participants && run.chat.participants.length ? " \u00b7 participants: " + run.chat.participants.join(", ") : "") +
        (has(run.chat.message_count) ? " \u00b7 " + run.chat.message_count + " messages in the transcript" : "") +
        (run.chat.last_speaker ? " \u00b7 last speaker: " + run.chat.last_speaker : "") }) : null,
      h("div", { "class": "term", id: "termination" }, "Termination: ",
        run.termination ? h("b", { text: run.termination }) : h("span", { "class": "note", text: "not logged" }),
        run.termination_code ? h("span", { "class": "badge", "data-testid": "termination-code", text: run.termination_code }) : null),
      run.summary ? h("div", { "class": "meta", text: "Summary: " + run.summary }) : null,
      (run.agents || []).length ? h("div", { "class": "meta", text: "Agents: " + run.agents.map(function (a) {
        return a.name + (a["class"] ? " (" + a["class"] + ")" : ""); }).join(", ") }) : null,
      h("div", { "class": "tables" }, totalsTable("agent", t.agents, true), totalsTable("model", t.models, false)),
      (run.notes || []).map(function (x) { return h("div", { "class": "note", text: x }); })));

    var kinds = KINDS.filter(function (k) { return run.counts && run.counts[k]; });
    var bar = h("div", { "class": "bar" });
    kinds.forEach(function (k) {
      var box = h("input", { type: "checkbox", checked: state.kinds.length === 0 || state.kinds.indexOf(k) >= 0, "data-kind": k });
      box.addEventListener("change", function () {
        state.kinds = Array.prototype.filter.call(bar.querySelectorAll("input[type=checkbox]"), function (b) { return b.checked; })
          .map(function (b) { return b.getAttribute("data-kind"); });
        if (state.kinds.length === kinds.length) { state.kinds = []; }
        state.offset = 0; loadPage();
      });
      bar.appendChild(h("label", null, box, " " + LABEL[k] + " (" + run.counts[k] + ")"));
    });
    var search = h("input", { type: "search", placeholder: "search", id: "search", value: state.text });
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.text = search.value; state.offset = 0; loadPage(); }, 250);
    });
    bar.appendChild(search);
    bar.appendChild(h("span", { id: "pager" }));
    main.appendChild(bar);
    main.appendChild(h("ol", { id: "timeline" }));
  }

  function renderPager() {
    var pager = $("pager"); clear(pager);
    var pages = Math.max(1, Math.ceil(state.total / state.limit));
    var cur = Math.floor(state.offset / state.limit);
    function go(p) { return function () { state.offset = Math.max(0, Math.min(pages - 1, p)) * state.limit; loadPage(); $("main").scrollTop = 0; }; }
    pager.appendChild(h("button", { text: "\u00ab", disabled: cur === 0, onclick: go(0), title: "first page" }));
    pager.appendChild(h("button", { text: "\u2039", disabled: cur === 0, onclick: go(cur - 1), "data-testid": "prev" }));
    pager.appendChild(h("span", { "class": "meta", id: "page-info", text: " items " + (state.total ? state.offset + 1 : 0) + "\u2013" +
      Math.min(state.total, state.offset + state.limit) + " of " + state.total + " (page " + (cur + 1) + "/" + pages + ") " }));
    pager.appendChild(h("button", { text: "\u203a", disabled: cur >= pages - 1, onclick: go(cur + 1), "data-testid": "next" }));
    pager.appendChild(h("button", { text: "\u00bb", disabled: cur >= pages - 1, onclick: go(pages - 1), title: "last page" }));
  }

  function loadPage() {
    var run = state.run;
    var seq = ++state.seq;  // a later request wins, whatever order the answers come in
    api.items(run, { offset: state.offset, limit: state.limit, kinds: state.kinds, text: state.text }).then(function (pg) {
      if (run !== state.run || seq !== state.seq) { return; }
      state.total = pg.total;
      var ol = $("timeline"); clear(ol);
      var frag = document.createDocumentFragment();
      pg.items.forEach(function (it) { frag.appendChild(renderItem(it)); });
      ol.appendChild(frag);
      if (!pg.items.length) { ol.appendChild(h("li", { "class": "empty", text: "Nothing to show." })); }
      renderPager();
      ol.setAttribute("data-loaded", String(seq));
    }).catch(showError);
  }

  // ------------------------------------------------------------------ timeline items
  function header(it, label) {
    return h("div", { "class": "hd" },
      h("span", { "class": "dot", style: "background:" + color(it.agent) }),
      h("span", { "class": "who", text: it.agent || "?" }),
      label ? h("span", null, label) : null,
      it.error ? h("span", { "class": "badge err", "data-testid": "error-badge", text: "error" }) : null,
      h("span", { "class": "idx", text: "#" + it.i + (it.ts ? " \u00b7 " + it.ts : "") }));
  }

  function toolCalls(calls) {
    return (calls || []).map(function (c) {
      return h("div", { "class": "tc", "data-testid": "tool-call" }, "\u2192 call " + (c.name || "?") + "(" + (c.arguments || "") + ")" + (c.id ? "  [" + c.id + "]" : ""));
    });
  }

  function line(text, cls) { return h("div", { "class": cls || "tc", text: text }); }
  function callLink(n, text) {
    return h("div", { "class": "meta" }, h("a", { "class": "link", "data-testid": "call-link", text: text,
      onclick: function (e) { e.stopPropagation(); openCall(n); } }));
  }

  function renderItem(it) {
    var li = h("li", { "class": "item k-" + it.kind + (it.error ? " err" : ""), "data-kind": it.kind, "data-i": it.i,
      style: it.depth ? "margin-left:" + Math.min(it.depth, 6) * 28 + "px" : null, "data-depth": it.depth || null });
    if (it.kind === "message") {
      var label = (it.recipient ? "\u2192 " + it.recipient : "") + (it.role ? "  (" + it.role + ")" : "");
      li.appendChild(header(it, label));
      if (it.content) { li.appendChild(richText(it.content)); }
      add(li, toolCalls(it.tool_calls));
      (it.tool_responses || []).forEach(function (r) {
        li.appendChild(h("div", { "class": "tc", "data-testid": "tool-response" }, "\u21a9 result" + (r.id ? " [" + r.id + "]" : "") + ": "));
        li.appendChild(richText(r.content));
      });
      if (it.from_call !== undefined) { li.appendChild(callLink(it.from_call, "from LLM call " + it.from_call)); }
      if (it.invalid) { li.appendChild(h("span", { "class": "badge err", text: "invalid message" })); }
    } else if (it.kind === "llm_call") {
      var what = it.purpose ? it.purpose + (it.selected ? " \u2192 " + it.selected : "") : "LLM call " + it.call;
      li.appendChild(header(it, what));
      li.appendChild(h("div", { "class": "meta" },
        [it.model, it.n_messages + " messages in", tokens(it.usage), money(it.cost), secs(it.latency), it.cached ? "cached" : "",
          it.failed_attempts ? "after " + it.failed_attempts + " failed attempt" + (it.failed_attempts > 1 ? "s" : "") : ""]
          .filter(Boolean).join(" \u00b7 ")));
      if (it.tool_names && it.tool_names.length) { li.appendChild(line("replied with tool calls: " + it.tool_names.join(", "))); }
      else if (it.preview) { li.appendChild(line("replied: " + it.preview)); }
      if (it.error) { li.appendChild(line("error: " + it.error)); }
      li.addEventListener("click", function () { openCall(it.call); });
      li.setAttribute("data-call", it.call);
      li.setAttribute("title", "show the exact request and reply");
    } else if (it.kind === "llm_failure") {
      li.appendChild(header(it, "LLM call failed" + (has(it.attempt) ? " (attempt " + it.attempt + (has(it.max_attempts) ? "/" + it.max_attempts : "") + ")" : "")));
      li.appendChild(line(it.error || "", "tc failure-error"));
      li.appendChild(h("div", { "class": "meta" }, ["config " + (has(it.config_index) ? it.config_index : "?"), it.model, it.base_url]
        .filter(has).join(" \u00b7 ")));
      li.appendChild(line("then: " + (it.next || it.action || "?"), "tc failure-next"));
      if (has(it.call)) { li.appendChild(callLink(it.call, "answered in the end by LLM call " + it.call)); }
    } else if (it.kind === "tool") {
      var status = it.success === false ? "failed" : it.success === true ? "ok" : "";
      li.appendChild(header(it, "ran tool " + (it.name || "?") + (it.call_id ? " [" + it.call_id + "]" : "") +
        (status ? " \u00b7 " + status : "") + (has(it.duration_ms) ? " \u00b7 " + ms(it.duration_ms) : "")));
      li.appendChild(line("args: " + (typeof it.arguments === "string" ? it.arguments : JSON.stringify(it.arguments))));
      if (it.error) { li.appendChild(line("error: " + it.error, "tc tool-error")); }
      li.appendChild(line("result:"));
      li.appendChild(richText(it.result));
    } else if (it.kind === "code") {
      li.appendChild(header(it, "code execution" + (it.language ? " (" + it.language + ")" : "") +
        (has(it.exit_code) ? " \u00b7 exit code " + it.exit_code : "") + (it.executor ? " \u00b7 " + it.executor : "") +
        (has(it.duration_ms) ? " \u00b7 " + ms(it.duration_ms) : "")));
      if (it.code) { li.appendChild(h("pre", { "class": "code", "data-lang": it.language || "", text: it.code })); }
      if (it.error) { li.appendChild(line("error: " + it.error, "tc code-error")); }
      li.appendChild(h("pre", { "class": "output", text: it.output || "" }));
    } else if (it.kind === "speaker") {
      var how = [it.method, it.reason, has(it.attempts) ? it.attempts + " attempt" + (it.attempts === 1 ? "" : "s") : ""].filter(has).join(", ");
      li.appendChild(header(it, "speaker selected" + (has(it.round) ? " #" + it.round : "") + ": " + (it.selected || "nobody") +
        (how ? " (" + how + ")" : "")));
      if (it.candidates || it.previous) {
        li.appendChild(h("div", { "class": "meta" }, [it.candidates ? "candidates: " + it.candidates.join(", ") : "",
          it.previous ? "after " + it.previous : ""].filter(Boolean).join(" \u00b7 ")));
      }
    } else if (it.kind === "handoff") {
      li.appendChild(header(it, "handoff " + (it.source ? it.source + " " : "") + "\u2192 " + (it.target || "?") +
        (it.reason ? " (" + it.reason + ")" : "") + (it.target_type ? " \u00b7 " + it.target_type : "")));
    } else if (it.kind === "guardrail") {
      li.appendChild(header(it, "guardrail " + (it.guardrail ? "'" + it.guardrail + "' " : "") + "activated" +
        (it.target ? " \u2192 " + it.target : "")));
      if (it.activation_message) { li.appendChild(line(it.activation_message)); }
      if (it.justification) { li.appendChild(line("justification: " + it.justification)); }
    } else if (it.kind === "chat") {
      var who = (it.agent || "?") + " \u2192 " + (it.recipient || "?");
      li.appendChild(header(it, it.edge === "start" ? "nested " + (CHAT_KIND[it.chat_kind] || "chat") + " started: " + who
        : "nested chat ended: " + (it.reason || it.termination_code || "")));
    } else if (it.kind === "human_input") {
      li.appendChild(header(it, "human input"));
      if (it.content) { li.appendChild(richText(it.content)); }
    } else if (it.kind === "termination") {
      li.appendChild(header(it, "terminated: " + (it.reason || it.name || "") + (it.code ? " [" + it.code + "]" : "")));
    } else {
      li.appendChild(header(it, it.name || it.kind));
    }
    if (it.data && it.kind !== "message") {
      li.appendChild(h("details", null, h("summary", { text: "data" }), h("pre", { text: json(it.data) })));
    }
    return li;
  }

  // ------------------------------------------------------------------ LLM call detail
  function closeDetail() {
    $("app").className = "";
    var d = $("detail"); d.hidden = true; clear(d);
    Array.prototype.forEach.call(document.querySelectorAll(".item.selected"), function (el) { el.classList.remove("selected"); });
  }

  function reqMessage(m, n) {
    var box = h("div", { "class": "req-message", "data-testid": "req-message" },
      h("div", { "class": "role", text: "#" + n + " " + (m.role || "") + (m.name ? " \u00b7 " + m.name : "") + (m.tool_call_id ? " \u00b7 result of " + m.tool_call_id : "") }));
    var content = m.content;
    if (content !== null && content !== undefined && typeof content !== "string") { content = json(content); }
    if (content) { box.appendChild(richText(content)); }
    (m.tool_calls || []).forEach(function (c) {
      var f = c["function"] || c;
      box.appendChild(h("div", { "class": "tc", text: "\u2192 call " + f.name + "(" + (typeof f.arguments === "string" ? f.arguments : JSON.stringify(f.arguments)) + ")" + (c.id ? " [" + c.id + "]" : "") }));
    });
    (m.tool_responses || []).forEach(function (r) {
      box.appendChild(h("div", { "class": "tc", text: "\u21a9 [" + r.tool_call_id + "] " + r.content }));
    });
    return box;
  }

  function openCall(n) {
    var run = state.run;
    api.call(run, n).then(function (c) {
      if (run !== state.run) { return; }
      state.call = n;
      Array.prototype.forEach.call(document.querySelectorAll(".item.k-llm_call"), function (el) {
        el.classList.toggle("selected", el.getAttribute("data-call") === String(n));
      });
      var d = $("detail"); clear(d); d.hidden = false;
      $("app").className = "with-detail";
      var req = c.request || { messages: [], tools: [], params: {} };
      var kv = [["agent", c.agent], ["model", c.model], ["client", c.client], ["time", (c.start ? c.start + " \u2192 " : "") + (c.ts || "")],
        ["latency", secs(c.latency)], ["tokens", tokens(c.usage)], ["cost", money(c.cost)], ["cached", c.cached ? "yes" : "no"],
        ["purpose", c.purpose], ["selected", c.selected], ["error", c.error], ["invocation", c.invocation_id]];
      d.appendChild(h("div", { style: "display:flex;align-items:center;justify-content:space-between" },
        h("h2", { text: "LLM call " + n }), h("button", { text: "close", onclick: closeDetail, "data-testid": "close" })));
      d.appendChild(h("div", { "class": "kv" }, kv.filter(function (x) { return x[1] !== undefined && x[1] !== null && x[1] !== ""; })
        .map(function (x) { return [h("div", { text: x[0] }), h("div", { text: x[1] })]; })));
      if (c.notes) { d.appendChild(h("div", { "class": "note", text: c.notes })); }
      if ((c.failures || []).length) {
        d.appendChild(h("h2", { text: "Failed attempts: " + c.failures.length }));
        var fails = h("div", { id: "call-failures" });
        c.failures.forEach(function (f) {
          fails.appendChild(h("div", { "class": "req-message err", "data-testid": "call-failure" },
            h("div", { "class": "role", text: "attempt " + (has(f.attempt) ? f.attempt : "?") + (has(f.max_attempts) ? "/" + f.max_attempts : "") +
              " · config " + (has(f.config_index) ? f.config_index : "?") + (f.model ? " · " + f.model : "") + (f.base_url ? " · " + f.base_url : "") }),
            line(f.error || ""), line("then: " + (f.next || f.action || "?"))));
        });
        d.appendChild(fails);
      }
      var params = req.params || {};
      d.appendChild(h("h2", { text: "Parameters" }));
      d.appendChild(h("pre", { id: "call-params", text: json(params) }));
      d.appendChild(h("h2", { text: "Context window: " + (req.messages || []).length + " messages" }));
      var box = h("div", { id: "call-messages" });
      (req.messages || []).forEach(function (m, i) { box.appendChild(reqMessage(m, i)); });
      d.appendChild(box);
      if ((req.tools || []).length) {
        d.appendChild(h("h2", { text: "Tools: " + req.tools.length }));
        req.tools.forEach(function (t) {
          var f = t["function"] || t;
          d.appendChild(h("details", { "data-testid": "tool-def" }, h("summary", { text: (f.name || "?") + (f.description ? " \u2014 " + f.description : "") }),
            h("pre", { text: json(t) })));
        });
      }
      d.appendChild(h("h2", { text: "Reply" }));
      var reply = h("div", { id: "call-reply" });
      (c.reply || []).forEach(function (m, i) { reply.appendChild(reqMessage(m, i)); });
      if (!(c.reply || []).length) { reply.appendChild(h("div", { "class": "note", text: "no reply recorded" })); }
      d.appendChild(reply);
      if (c.extra) { d.appendChild(h("details", null, h("summary", { text: "other logged fields" }), h("pre", { text: json(c.extra) }))); }
      d.appendChild(h("details", null, h("summary", { text: "raw response" }), h("pre", { text: json(c.response) })));
      d.scrollTop = 0;
    }).catch(showError);
  }

  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeDetail(); } });
  start();
})();
