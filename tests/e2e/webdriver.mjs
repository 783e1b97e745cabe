// A minimal W3C WebDriver client (what tauri-driver speaks), with waiting helpers.
// The W3C element reference is an object with one key ("element-6066-…"); take its value.
const ref = (e) => Object.values(e)[0];

export class WebDriver {
  constructor(base) {
    this.base = base.replace(/\/$/, "");
    this.session = null;
  }

  async cmd(method, path, body) {
    const url = this.session
      ? `${this.base}/session/${this.session}${path}`
      : `${this.base}${path}`;
    const res = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok || (json.value && json.value.error)) {
      const v = json.value ?? {};
      throw new Error(
        `${method} ${path}: ${v.error ?? res.status} ${v.message ?? ""}`,
      );
    }
    return json.value;
  }

  async start(application, env) {
    const caps = { "tauri:options": { application, ...(env ? { env } : {}) } };
    const v = await this.cmd("POST", "/session", {
      capabilities: { alwaysMatch: caps },
    });
    this.session = v.sessionId;
  }

  async stop() {
    if (!this.session) return;
    try {
      await this.cmd("DELETE", "");
    } finally {
      this.session = null;
    }
  }

  async $(css) {
    const v = await this.cmd("POST", "/element", {
      using: "css selector",
      value: css,
    });
    return ref(v);
  }

  async $$(css) {
    const v = await this.cmd("POST", "/elements", {
      using: "css selector",
      value: css,
    });
    return v.map(ref);
  }

  async text(css) {
    return this.cmd("GET", `/element/${await this.$(css)}/text`);
  }

  async click(css) {
    await this.cmd("POST", `/element/${await this.$(css)}/click`, {});
  }

  async type(css, text) {
    await this.cmd("POST", `/element/${await this.$(css)}/value`, { text });
  }

  async clear(css) {
    await this.cmd("POST", `/element/${await this.$(css)}/clear`, {});
  }

  async exec(fn, ...args) {
    return this.cmd("POST", "/execute/sync", {
      script: `return (${fn}).apply(null, arguments)`,
      args,
    });
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  /** Polls `probe` until it returns a truthy value; returns it. */
  async until(probe, what, timeout = 15000) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}
