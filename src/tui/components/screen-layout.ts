/** Heights and widths of the panels for one terminal size. */
export interface ScreenLayout {
  width: number;
  /** Rows the app may draw: one less than the terminal, so ink never scrolls or clears the screen. */
  height: number;
  body: number;
  /** Two columns (fleet | feed) from 120 columns on. */
  wide: boolean;
  left: number;
  right: number;
  fleet: number;
  timeline: number;
  expectations: number;
  feed: number;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 1;

/**
 * Lays the overview out for a terminal: stacked at 80×24 (fleet, timeline, expectations, feed), side
 * by side on wide terminals, giving extra rows to the fleet and the feed.
 */
export function screenLayout(columns: number, rows: number, expectationCount: number): ScreenLayout {
  const width = Math.max(40, columns);
  const height = Math.max(12, rows - 1);
  const body = height - HEADER_ROWS - FOOTER_ROWS;
  const wide = width >= 120;
  if (wide) {
    const left = Math.floor(width * 0.55);
    const timeline = 4;
    const expectations = Math.min(Math.max(2, expectationCount + 1), Math.floor(body / 3));
    return {
      width,
      height,
      body,
      wide,
      left,
      right: width - left - 1,
      fleet: body - timeline,
      timeline,
      expectations,
      feed: body - expectations,
    };
  }
  const timeline = body >= 24 ? 4 : 3;
  const expectations = Math.min(Math.max(2, expectationCount + 1), body >= 24 ? 6 : 3);
  const feed = Math.max(4, Math.floor(body * 0.3));
  const fleet = Math.max(3, body - timeline - expectations - feed);
  return { width, height, body, wide, left: width, right: width, fleet, timeline, expectations, feed };
}
