// PassportBot dashboard, province page (/province/TO): offices, open slots, the life of each slot, insights.
(() => {
  "use strict";
  const { $, t, el, svg, day, stamp, number, duration, slotKey, getJson } = PB;

  const HOURS = 72;
  const WEEKS = 8;
  const REFRESH_MS = 60000;

  const code = decodeURIComponent(location.pathname.split("/")[2] ?? "").toUpperCase();
  const state = {
    province: null,
    offices: [],
    open: [],
    timeline: null,
    insights: null,
    sort: { "offices-table": { key: "firstFree", dir: 1 }, "open-table": { key: "date", dir: 1 } },
  };

  async function refresh() {
    try {
      const provinces = await getJson("/api/provinces");
      const province = provinces.find((p) => p.code === code);
      if (!province) { showUnknown(); return; }
      state.province = province;
      const agenda = encodeURIComponent(province.agendaCode);
      const [offices, open, timeline, insights] = await Promise.all([
        getJson("/api/offices?province=" + agenda),
        getJson("/api/slots?state=open&limit=5000&province=" + agenda),
        getJson(`/api/provinces/${agenda}/timeline?hours=${HOURS}`),
        getJson(`/api/insights?province=${agenda}&weeks=${WEEKS}`),
      ]);
      state.offices = offices;
      state.open = open;
      state.timeline = timeline;
      state.insights = insights;
      render();
    } catch (error) {
      const node = $("province-error");
      node.textContent = error.message;
      node.hidden = false;
    }
  }

  function showUnknown() {
    const node = $("province-error");
    node.textContent = t("unknownProvince", code);
    node.hidden = false;
    $("province-title").textContent = t("unknownProvince", code);
  }

  // ---- live -------------------------------------------------------------------------------------------------
  let refreshSoon = null;
  function onLive(kind, slot) {
    if (!state.province || slot.province !== state.province.agendaCode) return;
    const key = slotKey(slot);
    state.open = state.open.filter((s) => slotKey(s) !== key);
    if (kind !== "gone") state.open.push(slot);
    if (state.timeline) {
      const life = state.timeline.slots.find((l) => slotKey(l.slot) === key && l.slot.firstSeen === slot.firstSeen);
      if (life) {
        life.slot = slot;
        if (kind === "changed") life.places.push({ at: slot.lastSeen, places: slot.places });
      } else if (kind === "new") {
        state.timeline.slots.unshift({ slot, places: [{ at: slot.firstSeen, places: slot.places }] });
      }
      state.timeline.to = new Date().toISOString();
    }
    if (kind !== "changed") PB.liveLine(kind, slot);
    render();
    clearTimeout(refreshSoon);
    refreshSoon = setTimeout(refresh, 2500);
  }

  // ---- rendering --------------------------------------------------------------------------------------------
  function render() {
    const p = state.province;
    if (!p) return;
    document.title = `PassportBot · ${p.name} (${p.code})`;
    $("province-title").textContent = `${p.name} (${p.code})` + (p.agendaCode !== p.code ? " · " + t("servedBy", p.agendaCode) : "");
    $("stat-open").textContent = number(state.open.length);
    const first = state.open.map((s) => s.date).sort()[0];
    $("stat-first").textContent = first ? day(first) : "–";
    $("stat-offices").textContent = number(state.offices.length);
    $("stat-subscribers").textContent = number(p.subscribers);
    renderOffices();
    renderOpen();
    renderTimeline();
    renderInsights();
  }

  function sorted(tableId, rows) {
    const { key, dir } = state.sort[tableId];
    PB.markSort($(tableId), key, dir);
    return PB.sortRows($(tableId), rows, key, dir);
  }

  function renderOffices() {
    const rows = state.offices.map((o) => {
      const slots = state.open.filter((s) => s.officeId === o.id);
      const first = slots.map((s) => s.date + " " + s.time).sort()[0] ?? null;
      return { ...o, open: slots.length, firstFree: first };
    });
    $("offices-table").querySelector("tbody").replaceChildren(...sorted("offices-table", rows).map((o) => el("tr", { "data-office": o.code },
      el("td", { class: "office" }, el("span", { class: "code", text: o.code }), " – " + o.name),
      el("td", { text: `${o.address}, ${o.city}` }),
      el("td", { text: o.bookableFrom }),
      el("td", { text: o.firstFree ? day(o.firstFree.slice(0, 10)) + " " + o.firstFree.slice(11) : "–" }),
      el("td", { class: "num" }, el("span", { class: o.open > 0 ? "pill on" : "pill", text: number(o.open) })))));
    $("offices-empty").hidden = rows.length > 0;
  }

  function renderOpen() {
    const rows = sorted("open-table", state.open);
    $("open-table").querySelector("tbody").replaceChildren(...rows.map((s) => {
      const row = el("tr", { "data-key": slotKey(s) },
        el("td", { text: day(s.date) }),
        el("td", { text: s.time }),
        el("td", { class: "office" }, s.officeCode + " – " + s.officeName),
        el("td", { class: "num" }, el("span", { class: "pill on", text: s.places })),
        el("td", { text: stamp(s.firstSeen) }));
      // Enter (or a click) brings the slot's life on the timeline into view and focus.
      PB.activatable(row, () => focusLife(slotKey(s)));
      return row;
    }));
    $("open-empty").hidden = rows.length > 0;
  }

  function focusLife(key) {
    const life = document.querySelector(`#timeline g.life[data-key="${CSS.escape(key)}"]`);
    if (!life) return;
    life.scrollIntoView({ block: "center" });
    life.focus();
  }

  // One row per slot life: a bar from first seen to gone (or now), split where its places changed.
  function renderTimeline() {
    const chart = $("timeline");
    chart.replaceChildren();
    $("timeline-hint").textContent = t("timelineHint", HOURS);
    const lives = state.timeline ? state.timeline.slots : [];
    $("timeline-empty").hidden = lives.length > 0;
    $("timeline-wrap").hidden = lives.length === 0;
    if (!lives.length) return;

    // The axis spans the lives shown (within the window asked for), so a busy last hour is not a sliver of 72.
    const to = Math.max(Date.parse(state.timeline.to), Date.now());
    const earliest = Math.min(...lives.map((l) => Date.parse(l.slot.firstSeen)));
    const span = Math.max(to - Math.max(Date.parse(state.timeline.from), earliest), 10 * 60000);
    const from = to - span * 1.04;
    // Drawn at the container's pixel width, one unit per pixel, so text keeps its size.
    const W = Math.max(720, $("timeline-wrap").clientWidth || 1000), labelW = 190, right = 16, rowH = 22, top = 26;
    const H = top + lives.length * rowH + 8;
    chart.setAttribute("viewBox", `0 0 ${W} ${H}`);
    chart.setAttribute("width", String(W));
    chart.setAttribute("height", String(H));
    const x = (at) => labelW + ((Math.min(Math.max(at, from), to) - from) / (to - from)) * (W - labelW - right);

    // About six ticks, on round steps of Rome wall-clock time.
    const steps = [60000, 300000, 900000, 1800000, 3600000, 3 * 3600000, 6 * 3600000, 12 * 3600000, 24 * 3600000];
    const step = steps.find((st) => (to - from) / st <= 7) ?? steps[steps.length - 1];
    for (let tick = Math.ceil(from / step) * step; tick <= to; tick += step) {
      chart.append(svg("line", { class: "grid-line", x1: x(tick), x2: x(tick), y1: top - 6, y2: H - 4 }));
      const label = svg("text", { class: "tick", x: x(tick), y: 14, "text-anchor": "middle" });
      label.textContent = step < 86400000 && new Date(tick).toDateString() === new Date(to).toDateString() ? PB.clock(tick) : stamp(new Date(tick).toISOString());
      chart.append(label);
    }

    lives.forEach((life, i) => {
      const s = life.slot;
      const y = top + i * rowH;
      const start = Date.parse(s.firstSeen);
      const end = s.goneAt ? Date.parse(s.goneAt) : to;
      // A closed slot's last point is its zero places at closing: the bar's end, not a segment of its own.
      const recorded = life.places.filter((p) => p.places > 0);
      const points = recorded.length ? recorded : [{ at: s.firstSeen, places: Math.max(s.places, s.maxPlaces) }];
      const placesText = points.map((p) => p.places).join(" → ");
      const label = t("lifeLabel", day(s.date), s.time, s.officeCode, stamp(s.firstSeen),
        s.goneAt ? t("goneAtLabel", stamp(s.goneAt)) : t("stillOpen"), placesText);
      const group = svg("g", { class: "life" + (s.goneAt ? " gone" : " open"), "data-key": slotKey(s), tabindex: "0", role: "img", "aria-label": label });
      const title = svg("title");
      title.textContent = label;
      group.append(title);

      const name = svg("text", { class: "life-label", x: 6, y: y + 15 });
      name.textContent = `${day(s.date)} ${s.time} · ${s.officeCode}`;
      group.append(name);

      points.forEach((p, j) => {
        const a = Math.max(Date.parse(p.at), start);
        const b = j + 1 < points.length ? Date.parse(points[j + 1].at) : end;
        const x1 = x(a), x2 = Math.max(x(b), x1 + 3);
        group.append(svg("rect", { class: "bar", x: x1.toFixed(1), y: y + 3, width: (x2 - x1).toFixed(1), height: rowH - 6, rx: 3 }));
        if (x2 - x1 > 14) {
          const n = svg("text", { class: "bar-label", x: ((x1 + x2) / 2).toFixed(1), y: y + 15, "text-anchor": "middle" });
          n.textContent = String(p.places);
          group.append(n);
        }
      });
      if (s.goneAt) group.append(svg("line", { class: "gone-mark", x1: x(end), x2: x(end), y1: y + 1, y2: y + rowH - 1 }));
      chart.append(group);
    });
  }

  function renderInsights() {
    const data = state.insights;
    if (!data) return;
    $("heatmap-hint").textContent = t("insightsHint", data.weeks, number(data.newSlots));
    const days = t("weekdays").split(",");
    const max = Math.max(1, ...data.heatmap.flat());
    const head = el("tr", {}, el("th", { scope: "col", text: "" }),
      ...Array.from({ length: 24 }, (_, h) => el("th", { scope: "col", class: "num", text: String(h).padStart(2, "0") })));
    $("heatmap").querySelector("thead").replaceChildren(head);
    $("heatmap").querySelector("tbody").replaceChildren(...data.heatmap.map((hours, d) => el("tr", {},
      el("th", { scope: "row", text: days[d] }),
      ...hours.map((n) => {
        const cell = el("td", { class: "num heat" + (n / max > 0.55 ? " dark" : ""), text: n ? String(n) : "" });
        // Lightness carries the count; the number is written in the cell as well.
        if (n) cell.style.background = `rgba(23, 96, 63, ${(0.12 + 0.88 * n / max).toFixed(2)})`;
        return cell;
      }))));
    $("ahead").textContent = t("aheadText", number(data.announcedAhead), number(data.announced));
    $("lifetime-table").querySelector("tbody").replaceChildren(...data.offices.map((o) => el("tr", {},
      el("td", { class: "office" }, el("span", { class: "code", text: o.officeCode }), " – " + o.officeName),
      el("td", { class: "num", text: number(o.newSlots) }),
      el("td", { class: "num", text: number(o.goneSlots) }),
      el("td", { class: "num", text: o.medianLifetimeMinutes === null ? "–" : duration(o.medianLifetimeMinutes * 60000) }))));
  }

  // ---- wiring -----------------------------------------------------------------------------------------------
  function start() {
    PB.wireLanguage(render);
    for (const table of document.querySelectorAll("table.sortable")) {
      PB.sortable(table, (key, type) => {
        const current = state.sort[table.id];
        state.sort[table.id] = current.key === key ? { key, dir: -current.dir } : { key, dir: type === "number" ? -1 : 1 };
        render();
      });
    }
    PB.applyLanguage();
    refresh();
    let connected = false;
    PB.connectLive({ slot: onLive, reconnected: () => { if (connected) refresh(); connected = true; } });
    setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  start();
})();
