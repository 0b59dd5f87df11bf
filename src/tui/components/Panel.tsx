import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from '../theme.tsx';

/**
 * A titled panel without a border (a border costs two of the 24 rows): a bold title, a dim rule to the
 * edge, then the content in a box of fixed height that clips what does not fit.
 */
export function Panel({
  title,
  right,
  width,
  height,
  children,
}: {
  title: string;
  right?: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  const theme = useTheme();
  const label = right ? `${title} · ${right}` : title;
  const rule = Math.max(0, width - label.length - 3);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold color={theme.color('accent')}>
          {title}
        </Text>
        {right ? <Text color={theme.color('muted')}> · {right}</Text> : null}
        <Text color={theme.color('muted')}> {'─'.repeat(rule)}</Text>
      </Text>
      <Box flexDirection="column" height={Math.max(0, height - 1)} overflow="hidden">
        {children}
      </Box>
    </Box>
  );
}
