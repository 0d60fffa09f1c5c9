import { computePrevent, parsePreventInput, PREVENT_RANGES } from '../../renderer/src/engine/insights/prevent';
import { riskScoreCommand } from './risk-score-command';

const r = PREVENT_RANGES;
const usage = `Usage: careloop prevent '<json>'

Estimates 10-year risk with the AHA PREVENT equations, base model (Khan et al., Circulation
2024;149:430–449) and prints {"cvd": <percent>, "ascvd": <percent>, "hf": <percent>}, one
decimal each: total cardiovascular disease, atherosclerotic CVD and heart failure.

The JSON object takes (all required; missing inputs are named, never guessed):
  age               years, ${r.age.min}–${r.age.max}
  sex               female or male
  totalCholesterol  mg/dL, ${r.totalCholesterol.min}–${r.totalCholesterol.max}
  hdl               mg/dL, ${r.hdl.min}–${r.hdl.max}
  systolic          mmHg, ${r.systolic.min}–${r.systolic.max}
  bmi               kg/m², ${r.bmi.min}–${r.bmi.max}
  egfr              mL/min/1.73 m², ${r.egfr.min}–${r.egfr.max}
  onBpTreatment     true or false
  onStatin          true or false
  smoker            true or false (current smoker)
  diabetes          true or false

Example:
  careloop prevent '{"age": 50, "sex": "female", "totalCholesterol": 200, "hdl": 45, "systolic": 160, "bmi": 35, "egfr": 90, "onBpTreatment": true, "onStatin": false, "smoker": false, "diabetes": true}'
`;

export const preventCommand = riskScoreCommand('prevent', '10-year CVD, ASCVD and heart-failure risk with the AHA PREVENT equations', usage, (raw) => computePrevent(parsePreventInput(raw)));
