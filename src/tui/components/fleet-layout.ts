import type { FleetModel } from '../state/fleet-model.ts';

export type Density = 'rows' | 'cells' | 'compact';

export interface FleetLayout {
  density: Density;
  /** Devices per line (1 for rows). */
  perLine: number;
  /** Width of one cell, columns. */
  cellWidth: number;
  /** Visible device ids grouped by zone, zones in fleet order. */
  groups: { zone: string; ids: string[] }[];
  /** Lines the whole fleet takes (before scrolling). */
  lines: number;
}

/**
 * Picks the richest way to draw the fleet that fits: a line per device, else a grid of named cells,
 * else one character per device (hundreds of devices on a 80×24 terminal).
 */
export function layoutFleet(model: FleetModel, visible: readonly string[], width: number, height: number): FleetLayout {
  const shown = new Set(visible);
  const groups = model.zones
    .map((zone) => ({ zone, ids: model.order.filter((id) => shown.has(id) && model.devices.get(id)!.zone === zone) }))
    .filter((g) => g.ids.length > 0);
  // A heading per zone (the fleet's totals are in the panel title).
  const fixed = groups.length;
  const linesFor = (perLine: number) => fixed + groups.reduce((n, g) => n + Math.ceil(g.ids.length / perLine), 0);
  const longest = Math.max(4, ...visible.map((id) => id.length));
  // Rows: marker, glyph, space, id, space (ids past 24 characters are cut).
  if (width >= 60 && linesFor(1) <= height)
    return { density: 'rows', perLine: 1, cellWidth: Math.min(24, longest) + 4, groups, lines: linesFor(1) };
  // Cells: marker (› when selected), glyph, short id, space.
  const cellWidth = Math.max(4, ...visible.map((id) => shortId(id, model.devices.get(id)!.kind).length)) + 3;
  const perCell = Math.max(1, Math.floor(width / cellWidth));
  if (linesFor(perCell) <= height) return { density: 'cells', perLine: perCell, cellWidth, groups, lines: linesFor(perCell) };
  const perChar = Math.max(1, width - 1);
  // Compact cells have no room for names: one more line names the selected device.
  return { density: 'compact', perLine: perChar, cellWidth: 1, groups, lines: linesFor(perChar) + 1 };
}

/**
 * A device id short enough for a grid cell: a kind prefix of several words keeps its last word
 * (`patient-monitor-001` → `monitor-001`, `infusion-pump-001` → `pump-001`); the zone heading names the kinds.
 */
export function shortId(id: string, kind: string): string {
  if (!kind.includes('-') || !id.startsWith(`${kind}-`)) return id;
  return `${kind.slice(kind.lastIndexOf('-') + 1)}${id.slice(kind.length)}`;
}

/** The visible id `dx` cells across and `dy` lines down from `current`, staying within its zone's grid. */
export function moveInLayout(layout: FleetLayout, current: string | undefined, dx: number, dy: number): string | undefined {
  const flat = layout.groups.flatMap((g) => g.ids);
  if (flat.length === 0) return undefined;
  if (current === undefined || !flat.includes(current)) return flat[0];
  const index = flat.indexOf(current);
  if (dy === 0) return flat[Math.max(0, Math.min(flat.length - 1, index + dx))];
  // Vertical moves go to the same column of the next line, crossing into the next zone's first line.
  const lines: string[][] = [];
  for (const g of layout.groups) for (let i = 0; i < g.ids.length; i += layout.perLine) lines.push(g.ids.slice(i, i + layout.perLine));
  const line = lines.findIndex((l) => l.includes(current));
  const column = lines[line]!.indexOf(current);
  const target = lines[Math.max(0, Math.min(lines.length - 1, line + dy))]!;
  return target[Math.min(column, target.length - 1)];
}

/** The fleet's lines as drawn: a zone heading (null) or the ids of one line of devices. */
export interface FleetLinePlan {
  lines: (string[] | null)[];
  /** The first line shown (the fleet scrolls to keep the selected device in view), and how many fit. */
  start: number;
  room: number;
}

/** Which lines the fleet panel shows for a selection, in `height` rows (FleetOverview draws this plan). */
export function fleetLinePlan(layout: FleetLayout, selected: string | undefined, height: number): FleetLinePlan {
  const lines: (string[] | null)[] = [];
  for (const group of layout.groups) {
    lines.push(null);
    for (let i = 0; i < group.ids.length; i += layout.perLine) lines.push(group.ids.slice(i, i + layout.perLine));
  }
  // Compact cells have no names: their last row names the selected device.
  const room = layout.density === 'compact' && selected !== undefined ? height - 1 : height;
  const selectedLine = Math.max(0, selected === undefined ? 0 : lines.findIndex((l) => l?.includes(selected) ?? false));
  const start = lines.length <= room ? 0 : Math.min(Math.max(0, selectedLine - Math.floor(room / 2)), lines.length - room);
  return { lines, start, room };
}

/** The device drawn at (`column`, `row`) of the fleet panel's body (both 0-based), or undefined. */
export function deviceAt(
  layout: FleetLayout,
  selected: string | undefined,
  height: number,
  column: number,
  row: number,
): string | undefined {
  const plan = fleetLinePlan(layout, selected, height);
  if (row < 0 || row >= plan.room) return undefined;
  const line = plan.lines[plan.start + row];
  if (!line) return undefined;
  if (layout.density === 'rows') return line[0];
  return line[Math.floor(column / layout.cellWidth)];
}
