/**
 * dashboard/: PURE. The dashboard issue's body (every target, its tags, PR, pin, hold and errors)
 * and its checkboxes read back from an edit. github/ keeps the issue; app/ acts on the ticks.
 */
export { DASHBOARD_MAX_LENGTH, renderDashboard } from "./render.js";
export type { DashboardInput, DashboardPrResult } from "./render.js";
export { renderBox, tickedBoxes } from "./boxes.js";
export type { DashboardBoxAction, DashboardTick } from "./boxes.js";
