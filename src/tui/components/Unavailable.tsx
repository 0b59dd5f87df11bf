import { Box, Text } from 'ink';
import { useKeys } from '../hooks/use-keys.tsx';
import { useTheme } from '../theme.tsx';

/** A menu that cannot do its job here says why, and closes on esc or enter. */
export function Unavailable({ why, onCancel }: { why: string; onCancel(): void }) {
  const theme = useTheme();
  useKeys(
    (_input, key) => {
      if (key.escape || key.return) onCancel();
    },
    { layer: 1 },
  );
  return (
    <Box flexDirection="column">
      <Text color={theme.color('fail')}>{why}</Text>
      <Text color={theme.color('muted')}>esc to close</Text>
    </Box>
  );
}
