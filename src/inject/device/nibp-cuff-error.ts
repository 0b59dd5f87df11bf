import { switchFault } from './condition-fault.ts';

/** The blood-pressure cuff leaks or is loose: determinations fail. */
export const nibpCuffError = switchFault(
  'device.nibp-cuff-error',
  'nibp.cuff-error',
  'Makes NIBP determinations of a patient monitor fail (cuff error)',
);
