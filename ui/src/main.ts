import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";

// User Timing marks trace the start-up (read by scripts/bench-app; free otherwise).
performance.mark("casebook:script");

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");

export default mount(App, { target });
