import { render } from 'ink-testing-library';
import { Text, useInput } from 'ink';
import { useState, useEffect } from 'react';
const t0 = performance.now();
const T = () => (performance.now() - t0).toFixed(1);
function P() {
  const [i, setI] = useState(0);
  console.log(T(), 'render i=', i);
  useEffect(() => { console.log(T(), 'effect ran for i=', i); });
  useInput((input, key) => { console.log(T(), 'handler sees i=', i, JSON.stringify(input)); if (key.downArrow) setI(i + 1); });
  return <Text>i={i}</Text>;
}
const r = render(<P />);
const tick = () => new Promise((res) => setTimeout(res, 50));
await tick();
console.log(T(), 'write down');
r.stdin.write('\x1b[B'); await tick(); console.log(T(), r.lastFrame());
r.stdin.write('\r'); await tick();
r.unmount(); process.exit(0);
