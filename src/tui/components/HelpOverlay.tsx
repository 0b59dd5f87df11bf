import { Box, Text } from 'ink';
import { useKeys } from '../hooks/use-keys.tsx';
import { KEYS } from '../keys.ts';
import { CONDITIONS, CONDITION_GLYPH, CONDITION_LABEL } from '../state/condition.ts';
import { useTheme } from '../theme.tsx';
import { Panel } from './Panel.tsx';

/** `?`: every key, and what the fleet's colours and glyphs mean. Any key closes it. */
export function HelpOverlay({ width, height, onClose }: { width: number; height: number; onClose(): void }) {
  const theme = useTheme();
  useKeys(() => onClose(), { layer: 1 });
  const keyWidth = Math.max(...KEYS.map((k) => k.keys.length)) + 2;
  return (
    <Panel title="Keys" right="any key closes" width={width} height={height}>
      {KEYS.map((k) => (
        <Text key={k.keys + k.action} wrap="truncate">
          <Text bold color={theme.color('accent')}>
            {k.keys.padEnd(keyWidth)}
          </Text>
          {k.action}
          {k.where ? <Text color={theme.color('muted')}> ({k.where})</Text> : null}
        </Text>
      ))}
      <Box>
        <Text wrap="truncate">
          <Text bold>fleet </Text>
          {CONDITIONS.map((c) => (
            <Text key={c} color={theme.color(c)}>
              {CONDITION_GLYPH[c]} {CONDITION_LABEL[c]}
              {'  '}
            </Text>
          ))}
        </Text>
      </Box>
      <Text wrap="truncate" color={theme.color('muted')}>
        chart: <Text color={theme.color('measured')}>• measured</Text> <Text color={theme.color('truth')}>· true</Text> ◉ both × no reading
      </Text>
    </Panel>
  );
}
