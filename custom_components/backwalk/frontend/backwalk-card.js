/*
 * backwalk-card: one backwalk profile on a dashboard.
 *
 * Plain JavaScript, no build step. The integration serves this file and asks the frontend to
 * load it on every page, so `type: custom:backwalk-card` works without adding a resource.
 *
 *   type: custom:backwalk-card
 *   device_id: <the profile's device>   # the visual editor picks it
 *   title: Alex's walks                 # optional; default: the profile's name
 *
 * Entities are found through the entity registry entries the frontend already holds
 * (hass.entities: platform, device_id, translation_key), so renaming an entity never breaks
 * the card. Health rules follow the project's guidance ids: on a pain day the card suggests
 * low-impact alternatives (G7); on a red-flag day it shows care advice and nothing else, no
 * exercise and no walk controls (G15).
 */

const DOMAIN = "backwalk";
const CARD_VERSION = "0.1.0";
const HISTORY_DAYS = 14;
const HISTORY_REFRESH_MS = 15 * 60 * 1000;

// G7's low-impact alternatives, as they read in a sentence.
const ALTERNATIVE_NAMES = {
  swimming: "swimming",
  stationary_bike: "a stationary bike",
  yoga: "gentle yoga",
};

// Every entity the card reads, by "<domain>.<translation_key>".
const KEYS = {
  minutesWeek: "sensor.minutes_this_week",
  walksWeek: "sensor.walks_this_week",
  goalProgress: "sensor.goal_progress",
  currentStreak: "sensor.current_streak",
  longestStreak: "sensor.longest_streak",
  weeklyStreak: "sensor.weekly_streak",
  targetToday: "sensor.target_minutes_today",
  painToday: "sensor.pain_today",
  painStatus: "sensor.pain_status",
  nextWalk: "sensor.next_walk",
  painDay: "binary_sensor.pain_day",
  walking: "binary_sensor.walk_in_progress",
  painInput: "number.pain_today_input",
  logStretch: "button.log_stretch",
  startWalk: "button.start_walk",
  finishWalk: "button.finish_walk",
};

const NO_VALUE = new Set(["unknown", "unavailable", "", undefined, null]);

function escapeHtml(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function joinWords(words) {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** The profile's entity ids by key, from the entity registry display entries. */
export function profileEntities(hass, deviceId) {
  const byKey = {};
  for (const entry of Object.values(hass.entities || {})) {
    if (entry.platform !== DOMAIN || entry.device_id !== deviceId || !entry.translation_key) {
      continue;
    }
    const domain = entry.entity_id.split(".")[0];
    byKey[`${domain}.${entry.translation_key}`] = entry.entity_id;
  }
  const found = {};
  for (const [name, key] of Object.entries(KEYS)) {
    if (byKey[key]) found[name] = byKey[key];
  }
  return found;
}

/** Devices that hold backwalk entities: the profiles. */
export function profileDevices(hass) {
  const ids = new Set();
  for (const entry of Object.values(hass.entities || {})) {
    if (entry.platform === DOMAIN && entry.device_id) ids.add(entry.device_id);
  }
  return [...ids].map((id) => {
    const device = (hass.devices || {})[id] || {};
    return { id, name: device.name_by_user || device.name || id };
  });
}

/** YYYY-MM-DD of a moment in Home Assistant's time zone. */
function dayKey(moment, timeZone) {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(moment);
}

/** The last HISTORY_DAYS local days, oldest first, each with its latest pain level or null. */
export function painTrend(reports, now, timeZone) {
  const days = [];
  for (let back = HISTORY_DAYS - 1; back >= 0; back -= 1) {
    const key = dayKey(new Date(now.getTime() - back * 86400000), timeZone);
    if (!days.includes(key)) days.push(key);
  }
  const latest = {};
  const sorted = [...reports].sort((a, b) => new Date(a.time) - new Date(b.time));
  for (const report of sorted) latest[dayKey(new Date(report.time), timeZone)] = report.level;
  return days.map((day) => ({ day, level: day in latest ? latest[day] : null }));
}

function sparkline(trend, threshold) {
  const width = 140;
  const height = 36;
  const step = width / Math.max(1, trend.length - 1);
  const y = (level) => (height - 3 - (level / 10) * (height - 6)).toFixed(1);
  const segments = [];
  let current = [];
  trend.forEach((point, index) => {
    if (point.level === null) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    current.push(`${(index * step).toFixed(1)},${y(point.level)}`);
  });
  if (current.length) segments.push(current);
  const lines = segments
    .filter((segment) => segment.length > 1)
    .map((segment) => `<polyline points="${segment.join(" ")}"></polyline>`)
    .join("");
  const dots = trend
    .map((point, index) =>
      point.level === null
        ? ""
        : `<circle class="${point.level >= threshold ? "high" : ""}" cx="${(index * step).toFixed(1)}" cy="${y(point.level)}" r="2.5"></circle>`,
    )
    .join("");
  const known = trend.filter((point) => point.level !== null);
  const label = known.length
    ? `Pain over ${trend.length} days: ${known.map((p) => `${p.day} ${p.level}`).join(", ")}`
    : `No pain reports in ${trend.length} days`;
  const guide = `<line class="threshold" x1="0" x2="${width}" y1="${y(threshold)}" y2="${y(threshold)}"></line>`;
  return `<span class="trend"><svg class="spark" data-testid="bw-sparkline" data-points="${known.length}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${guide}${lines}${dots}</svg><span class="caption">${trend.length} days</span></span>`;
}

function ring(minutes, goal) {
  const radius = 42;
  const circumference = 2 * Math.PI * radius;
  const share = goal > 0 ? Math.min(1, minutes / goal) : 0;
  return `
    <svg class="ring" viewBox="0 0 100 100" aria-hidden="true">
      <circle class="track" cx="50" cy="50" r="${radius}"></circle>
      <circle class="fill" cx="50" cy="50" r="${radius}"
        stroke-dasharray="${(share * circumference).toFixed(2)} ${circumference.toFixed(2)}"
        transform="rotate(-90 50 50)"></circle>
    </svg>`;
}

const STYLE = `
  :host { display: block; }
  ha-card { overflow: hidden; }
  .card { padding: 16px; color: var(--primary-text-color); }
  .head { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; margin-bottom: 12px; }
  .title { font-size: 1.25em; font-weight: 500; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .sub { color: var(--secondary-text-color); font-size: 0.9em; }
  .top { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  .ring-box { position: relative; width: 112px; height: 112px; flex: none; }
  .ring { width: 100%; height: 100%; }
  .ring circle { fill: none; stroke-width: 9; }
  .ring .track { stroke: var(--divider-color, rgba(127,127,127,0.25)); }
  .ring .fill { stroke: var(--primary-color); stroke-linecap: round; transition: stroke-dasharray 0.4s; }
  .ring-label { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; line-height: 1.1; }
  .ring-label .big { font-size: 1.6em; font-weight: 600; }
  .ring-label .small { color: var(--secondary-text-color); font-size: 0.8em; }
  .stats { flex: 1 1 150px; display: grid; grid-template-columns: 1fr 1fr; gap: 8px 12px; min-width: 150px; }
  .stat .label { color: var(--secondary-text-color); font-size: 0.8em; }
  .stat .value { font-size: 1.15em; font-weight: 500; }
  .row { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-top: 14px; flex-wrap: wrap; }
  .pain { flex: 1 1 200px; }
  .pain-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
  .trend { display: flex; flex-direction: column; align-items: flex-end; flex: none; }
  .trend .caption { color: var(--secondary-text-color); font-size: 0.7em; }
  .spark { width: 140px; height: 36px; overflow: visible; }
  .spark polyline { fill: none; stroke: var(--primary-color); stroke-width: 1.8; stroke-linejoin: round; }
  .spark circle { fill: var(--primary-color); }
  .spark circle.high { fill: var(--warning-color, #ff9800); }
  .spark .threshold { stroke: var(--secondary-text-color); stroke-dasharray: 3 3; stroke-width: 0.8; opacity: 0.6; }
  input[type=range] { width: 100%; accent-color: var(--primary-color); margin: 6px 0 0; }
  .scale { display: flex; justify-content: space-between; color: var(--secondary-text-color); font-size: 0.75em; }
  .actions { display: flex; gap: 8px; margin-top: 14px; flex-wrap: wrap; }
  button { flex: 1 1 120px; min-height: 40px; border: none; border-radius: 20px; padding: 8px 14px; font: inherit; font-weight: 500; cursor: pointer;
    background: var(--primary-color); color: var(--text-primary-color, #fff); }
  button.secondary { background: transparent; color: var(--primary-color); box-shadow: inset 0 0 0 1px var(--primary-color); }
  button:disabled { opacity: 0.5; cursor: default; }
  .notice { margin-top: 14px; padding: 12px; border-radius: 8px; line-height: 1.4;
    background: color-mix(in srgb, var(--warning-color, #ff9800) 14%, transparent); }
  .notice.care { background: color-mix(in srgb, var(--error-color, #db4437) 14%, transparent); margin-top: 0; }
  .notice strong { display: block; margin-bottom: 4px; }
  .care-title { color: var(--error-color, #db4437); }
  .fine { color: var(--secondary-text-color); font-size: 0.8em; margin-top: 8px; }
  .error { color: var(--error-color, #db4437); margin-top: 10px; font-size: 0.9em; }
  .warning { color: var(--secondary-text-color); }
`;

class BackwalkCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._config = undefined;
    this._hass = undefined;
    this._signature = "";
    this._trend = null;
    this._historyKey = "";
    this._historyAt = 0;
    this._busy = false;
    this._error = "";
  }

  static getConfigElement() {
    return document.createElement("backwalk-card-editor");
  }

  static getStubConfig(hass) {
    const [first] = profileDevices(hass || {});
    return first ? { device_id: first.id } : { device_id: "" };
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    this._config = { ...config };
    this._signature = "";
    this._trend = null;
    this._historyKey = "";
    if (this._hass) this._update();
  }

  set hass(hass) {
    this._hass = hass;
    this._update();
  }

  get hass() {
    return this._hass;
  }

  getCardSize() {
    return 7;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: "auto" };
  }

  _state(entityId) {
    return entityId ? this._hass.states[entityId] : undefined;
  }

  _update() {
    if (!this._config || !this._hass) return;
    const entities = profileEntities(this._hass, this._config.device_id);
    const states = Object.values(entities).map((id) => this._state(id));
    const signature = JSON.stringify([
      this._config,
      entities,
      states.map((s) => (s ? [s.state, s.attributes, s.last_changed] : null)),
      this._trend,
      this._busy,
      this._error,
    ]);
    this._maybeFetchHistory(entities);
    if (signature === this._signature) return;
    this._signature = signature;
    this._render(entities);
  }

  _maybeFetchHistory(entities) {
    const pain = this._state(entities.painToday);
    const key = `${this._config.device_id}|${pain ? pain.last_updated : ""}`;
    const stale = Date.now() - this._historyAt > HISTORY_REFRESH_MS;
    if (!entities.painToday || (key === this._historyKey && !stale)) return;
    this._historyKey = key;
    this._historyAt = Date.now();
    this._hass
      .callWS({
        type: "call_service",
        domain: DOMAIN,
        service: "get_history",
        service_data: { device_id: this._config.device_id },
        return_response: true,
      })
      .then((result) => {
        const reports = (result && result.response && result.response.pain_reports) || [];
        this._trend = painTrend(reports, new Date(), this._hass.config.time_zone);
        this._update();
      })
      .catch((err) => {
        // The card still works without the trend; try again at the next change.
        this._historyKey = "";
        console.warn("backwalk-card: could not read the pain history", err);
      });
  }

  async _call(domain, service, data) {
    this._busy = true;
    this._error = "";
    this._update();
    try {
      await this._hass.callService(domain, service, data);
    } catch (err) {
      this._error = await this._errorText(err);
    } finally {
      this._busy = false;
      this._update();
    }
  }

  /** The refusal in the user's words: backwalk's translated exception when there is one. */
  async _errorText(err) {
    const fallback = (err && err.message) || String(err);
    if (!err || !err.translation_key || !this._hass.localize) return fallback;
    const domain = err.translation_domain || DOMAIN;
    try {
      const loaded = this._hass.loadBackendTranslation
        ? await this._hass.loadBackendTranslation("exceptions", domain)
        : undefined;
      const localize = typeof loaded === "function" ? loaded : this._hass.localize;
      const text = localize(
        `component.${domain}.exceptions.${err.translation_key}.message`,
        err.translation_placeholders || {},
      );
      return text || fallback;
    } catch (_ignored) {
      return fallback;
    }
  }

  _render(entities) {
    const root = this.shadowRoot;
    const config = this._config;
    if (!config.device_id || !entities.minutesWeek) {
      const why = config.device_id
        ? "This backwalk profile was not found. Pick another one in the card editor."
        : "Pick a backwalk profile in the card editor.";
      root.innerHTML = `<style>${STYLE}</style><ha-card><div class="card warning" data-testid="bw-missing">${why}</div></ha-card>`;
      return;
    }
    const device = (this._hass.devices || {})[config.device_id] || {};
    const name = config.title || device.name_by_user || device.name || "backwalk";
    const value = (key) => {
      const state = this._state(entities[key]);
      return state && !NO_VALUE.has(state.state) ? state.state : null;
    };
    const attr = (key, attribute) => {
      const state = this._state(entities[key]);
      return state ? state.attributes[attribute] : undefined;
    };
    const whole = (key) => (value(key) === null ? "–" : String(Math.round(Number(value(key)))));

    const status = value("painStatus");
    const redFlag = status === "red_flag" || attr("painStatus", "red_flag_today") === true;
    const painDay = !redFlag && (value("painDay") === "on" || status === "pain_day");
    const view = redFlag ? "red_flag" : painDay ? "pain_day" : "normal";

    let body;
    if (redFlag) {
      // G15 and nothing else: no numbers to beat, no walk, no stretch, no activity at all.
      body = `
        <div class="notice care" data-testid="bw-care-advice">
          <strong class="care-title">Today's plan is off</strong>
          Your pain is severe today, ${escapeHtml(name)}, so backwalk suggests no exercise.
          If you have serious symptoms, get emergency medical help right away.
          <div class="fine">backwalk is not medical advice. Serious symptoms need emergency care at once.</div>
        </div>`;
    } else {
      body = this._dashboardHtml(entities, value, attr, whole, painDay);
    }
    root.innerHTML = `
      <style>${STYLE}</style>
      <ha-card>
        <div class="card" data-testid="bw-card" data-view="${view}">
          <div class="head">
            <span class="title" data-testid="bw-title">${escapeHtml(name)}</span>
            ${redFlag ? "" : `<span class="sub">${view === "pain_day" ? "Pain day" : "This week"}</span>`}
          </div>
          ${body}
          ${this._error ? `<div class="error" data-testid="bw-error">${escapeHtml(this._error)}</div>` : ""}
        </div>
      </ha-card>`;
    this._bind(entities);
  }

  _dashboardHtml(entities, value, attr, whole, painDay) {
    const minutes = Number(value("minutesWeek") || 0);
    const goalMinutes = Number(attr("goalProgress", "weekly_goal_minutes") || 0);
    const walksGoal = attr("goalProgress", "walks_per_week");
    const threshold = Number(attr("painStatus", "pain_day_threshold") || 5);
    const pain = value("painToday");
    const walking = value("walking") === "on";
    const started = attr("walking", "started");
    const timeZone = this._hass.config.time_zone;
    const language = (this._hass.locale && this._hass.locale.language) || this._hass.language || "en";

    let nextWalk = "None scheduled";
    const next = value("nextWalk");
    if (next) {
      nextWalk = new Intl.DateTimeFormat(language, {
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        timeZone,
      }).format(new Date(next));
    }
    let walkingSince = "";
    if (walking && started) {
      walkingSince = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", timeZone }).format(
        new Date(started),
      );
    }
    const alternatives = (attr("painStatus", "preferred_alternatives") || Object.keys(ALTERNATIVE_NAMES))
      .map((key) => ALTERNATIVE_NAMES[key])
      .filter(Boolean);
    const trend = this._trend ? sparkline(this._trend, threshold) : "";
    const disabled = this._busy ? "disabled" : "";

    return `
      <div class="top">
        <div class="ring-box">
          ${ring(minutes, goalMinutes)}
          <div class="ring-label">
            <span class="big" data-testid="bw-minutes-week">${whole("minutesWeek")}</span>
            <span class="small">of <span data-testid="bw-goal-minutes">${goalMinutes}</span> min</span>
          </div>
        </div>
        <div class="stats">
          <div class="stat"><div class="label">Walks this week</div>
            <div class="value"><span data-testid="bw-walks-week">${whole("walksWeek")}</span>${walksGoal ? ` / <span data-testid="bw-walks-goal">${walksGoal}</span>` : ""}</div></div>
          <div class="stat"><div class="label">Today's target</div>
            <div class="value"><span data-testid="bw-target-today">${whole("targetToday")}</span> min</div></div>
          <div class="stat"><div class="label">Streak (days)</div>
            <div class="value"><span data-testid="bw-streak-current">${whole("currentStreak")}</span>
              <span class="sub">best <span data-testid="bw-streak-longest">${whole("longestStreak")}</span></span></div></div>
          <div class="stat"><div class="label">Weeks on goal</div>
            <div class="value" data-testid="bw-streak-weekly">${whole("weeklyStreak")}</div></div>
        </div>
      </div>
      ${
        painDay
          ? `<div class="notice" data-testid="bw-alternatives">
              <strong>Today is a pain day</strong>
              If walking hurts, switch to another low-impact activity: ${escapeHtml(joinWords(alternatives))}.
              <div class="fine">backwalk is not medical advice.</div>
            </div>`
          : ""
      }
      <div class="row">
        <div class="pain">
          <div class="pain-head">
            <span><span class="sub">Pain today</span>
              <strong data-testid="bw-pain-today">${pain === null ? "not reported" : Math.round(Number(pain))}</strong></span>
            ${trend}
          </div>
          ${
            entities.painInput
              ? `<input type="range" min="0" max="10" step="1" data-testid="bw-pain-slider"
                   aria-label="Pain today, 0 to 10" value="${pain === null ? 0 : Math.round(Number(pain))}" ${disabled}>
                 <div class="scale"><span>0 none</span><span>10 worst</span></div>`
              : ""
          }
        </div>
      </div>
      <div class="row"><span><span class="sub">Next walk</span> <span data-testid="bw-next-walk">${escapeHtml(nextWalk)}</span></span>
        ${walking ? `<span class="sub" data-testid="bw-walking">Walking since ${escapeHtml(walkingSince)}</span>` : ""}</div>
      <div class="actions">
        ${entities.logStretch ? `<button class="secondary" data-action="logStretch" data-testid="bw-log-stretch" ${disabled}>Log stretch</button>` : ""}
        ${
          walking
            ? entities.finishWalk
              ? `<button data-action="finishWalk" data-testid="bw-finish-walk" ${disabled}>Finish walk</button>`
              : ""
            : entities.startWalk
              ? `<button data-action="startWalk" data-testid="bw-start-walk" ${disabled}>Start walk</button>`
              : ""
        }
      </div>`;
  }

  _bind(entities) {
    const root = this.shadowRoot;
    root.querySelectorAll("button[data-action]").forEach((button) => {
      button.addEventListener("click", () => {
        const entityId = entities[button.dataset.action];
        if (entityId) this._call("button", "press", { entity_id: entityId });
      });
    });
    const slider = root.querySelector("input[type=range]");
    if (slider) {
      slider.addEventListener("change", () => {
        this._call("number", "set_value", { entity_id: entities.painInput, value: Number(slider.value) });
      });
    }
  }
}

class BackwalkCardEditor extends HTMLElement {
  constructor() {
    super();
    this._config = {};
    this._hass = undefined;
    this._waiting = false;
  }

  setConfig(config) {
    this._config = { ...config };
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    this._render();
  }

  _changed(config) {
    this._config = config;
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }

  _render() {
    if (!this._hass) return;
    const schema = [
      { name: "device_id", required: true, selector: { device: { integration: DOMAIN } } },
      { name: "title", selector: { text: {} } },
    ];
    const labels = { device_id: "Profile", title: "Title (optional)" };
    if (customElements.get("ha-form")) {
      let form = this.querySelector("ha-form");
      if (!form) {
        this.innerHTML = ""; // the plain list, if it was shown while the form was loading
        form = document.createElement("ha-form");
        form.computeLabel = (field) => labels[field.name] || field.name;
        form.addEventListener("value-changed", (event) => this._changed({ ...this._config, ...event.detail.value }));
        this.appendChild(form);
      }
      form.hass = this._hass;
      form.schema = schema;
      form.data = this._config;
      return;
    }
    // Until the frontend's form element is defined (the card editor loads it): a plain list.
    if (!this._waiting) {
      this._waiting = true;
      customElements.whenDefined("ha-form").then(() => this._render());
    }
    const devices = profileDevices(this._hass);
    this.innerHTML = `<label>Profile <select>${devices
      .map(
        (device) =>
          `<option value="${escapeHtml(device.id)}" ${device.id === this._config.device_id ? "selected" : ""}>${escapeHtml(device.name)}</option>`,
      )
      .join("")}</select></label>`;
    this.querySelector("select").addEventListener("change", (event) =>
      this._changed({ ...this._config, device_id: event.target.value }),
    );
  }
}

// The frontend replaces window.customElements with a scoped registry (a polyfill in its app
// bundle). This file is loaded beside that bundle, not after it: an element defined before the
// swap lives only in the browser's own registry, which the frontend no longer asks. So define
// once the frontend's registry is in place (or after a while, outside the frontend).
const FRONTEND_READY_MS = 10000;

function frontendReady() {
  return Boolean(
    window.CustomElementRegistryPolyfill ||
      customElements.get("home-assistant") ||
      customElements.get("hc-main") ||
      customElements.get("hui-view"),
  );
}

function defineCard() {
  if (customElements.get("backwalk-card")) return;
  customElements.define("backwalk-card", BackwalkCard);
  customElements.define("backwalk-card-editor", BackwalkCardEditor);
  console.info(`%c backwalk-card ${CARD_VERSION} `, "color: white; background: #2e7d32; border-radius: 3px");
}

window.customCards = window.customCards || [];
if (!window.customCards.some((card) => card.type === "backwalk-card")) {
  window.customCards.push({
    type: "backwalk-card",
    name: "backwalk",
    description: "One backwalk profile: weekly minutes, streaks, today's pain and quick controls.",
    preview: true,
    documentationURL: "https://github.com/backwalk/backwalk#dashboard",
  });
}

if (frontendReady()) {
  defineCard();
} else {
  const started = Date.now();
  const timer = setInterval(() => {
    if (frontendReady() || Date.now() - started > FRONTEND_READY_MS) {
      clearInterval(timer);
      defineCard();
    }
  }, 50);
}
