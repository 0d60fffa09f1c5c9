import { ASCVD_RANGES, computeAscvd, parseAscvdInput } from '../../renderer/src/engine/insights/ascvd';
import { riskScoreCommand } from './risk-score-command';

const r = ASCVD_RANGES;
const usage = `Usage: careloop ascvd '<json>'

Estimates the 10-year risk of a first hard ASCVD event with the 2013 ACC/AHA Pooled Cohort
Equations (Goff et al., Circulation 2014;129:S49–S73) and prints
{"risk": <percent, one decimal>, "category": "low" | "borderline" | "intermediate" | "high"}
(low < 5 %, borderline 5 to < 7.5 %, intermediate 7.5 to < 20 %, high >= 20 %).

The JSON object takes (all required; missing inputs are named, never guessed):
  age               years, ${r.age.min}–${r.age.max}
  sex               female or male
  race              white, african-american or other (other uses the white equations)
  totalCholesterol  mg/dL, ${r.totalCholesterol.min}–${r.totalCholesterol.max}
  hdl               mg/dL, ${r.hdl.min}–${r.hdl.max}
  systolic          mmHg, ${r.systolic.min}–${r.systolic.max}
  onBpTreatment     true or false
  smoker            true or false (current smoker)
  diabetes          true or false

Example:
  careloop ascvd '{"age": 55, "sex": "male", "race": "white", "totalCholesterol": 213, "hdl": 50, "systolic": 120, "onBpTreatment": false, "smoker": false, "diabetes": false}'
`;

export const ascvdCommand = riskScoreCommand('ascvd', '10-year ASCVD risk with the 2013 Pooled Cohort Equations', usage, (raw) => {
  const { risk, category } = computeAscvd(parseAscvdInput(raw));
  return { risk, category };
});
