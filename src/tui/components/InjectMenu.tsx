import { useMemo, useState } from 'react';
import type { InjectRequest } from '../controller.ts';
import type { FaultInfo, TuiAgent } from '../run-like.ts';
import { paramFields, prefillForDevice } from '../state/param-fields.ts';
import { FaultPicker, faultChoices, type FaultChoice } from './FaultPicker.tsx';
import { Panel } from './Panel.tsx';
import { Unavailable } from './Unavailable.tsx';
import { ParamsForm } from './ParamsForm.tsx';

export interface InjectMenuProps {
  faults: readonly FaultInfo[];
  /** False when the run has no `inject` (the menu explains instead of pretending). */
  canInject: boolean;
  deviceId: string | undefined;
  zone: string | undefined;
  agent: TuiAgent | undefined;
  width: number;
  height: number;
  onSubmit(request: InjectRequest): void;
  onCancel(): void;
}

/** `i`: pick a registered fault, fill in its params, inject it on the selected device or its zone. */
export function InjectMenu({ faults, canInject, deviceId, zone, agent, width, height, onSubmit, onCancel }: InjectMenuProps) {
  const [picked, setPicked] = useState<FaultChoice | undefined>(undefined);
  const choices = useMemo(() => faultChoices(faults, agent), [faults, agent]);
  const fields = useMemo(() => (picked ? prefillForDevice(paramFields(picked.fault.params), picked.fault, agent) : []), [picked, agent]);
  const title = `Inject on ${deviceId ?? 'no device'}${zone ? ` (zone ${zone})` : ''}`;
  let body;
  if (!canInject || faults.length === 0 || deviceId === undefined || zone === undefined) {
    const why = !canInject
      ? 'this run cannot inject faults (it has no Run.inject)'
      : faults.length === 0
        ? 'this run has no fault registry (Run.faults)'
        : 'select a device first';
    body = <Unavailable why={why} onCancel={onCancel} />;
  } else if (!picked) {
    body = <FaultPicker choices={choices} width={width} height={height - 1} onPick={setPicked} onCancel={onCancel} />;
  } else {
    body = (
      <ParamsForm
        key={picked.fault.name}
        fault={picked.fault}
        fields={fields}
        deviceId={deviceId}
        zone={zone}
        width={width}
        height={height - 1}
        onSubmit={onSubmit}
        onBack={() => setPicked(undefined)}
      />
    );
  }
  return (
    <Panel title={title} width={width} height={height}>
      {body}
    </Panel>
  );
}
