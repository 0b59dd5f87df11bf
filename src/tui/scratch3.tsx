import { render } from 'ink-testing-library';
import { Text, useInput } from 'ink';
import { useState, useEffect } from 'react';
function P() {
  const [i, setI] = useState(0);
  useEffect(() => { console.log('effect ran for i=', i); });
  useInput((input, key) => { console.log('handler sees i=', i, JSON.stringify(input)); if (key.downArrow) setI(i + 1); });
  return <Text>i={i}</Text>;
}
const r = render(<P />);
const tick = () => new Promise((res) => setTimeout(res, 50));
await tick();
r.stdin.write('\x1b[B'); await tick(); console.log(r.lastFrame());
r.stdin.write('\r'); await tick();
r.stdin.write('x'); await tick();
r.unmount(); process.exit(0);
