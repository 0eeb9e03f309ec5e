// Reads each diagram as Camunda Modeler 5 does (bpmn-moddle + camunda-bpmn-moddle), saves it
// and reads it again: any import warning (unknown element, bad reference) fails `make test`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { BpmnModdle } from "bpmn-moddle";

const require = createRequire(import.meta.url);
const camunda = require("camunda-bpmn-moddle/resources/camunda.json");
const moddle = new BpmnModdle({ camunda });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const first = await moddle.fromXML(readFileSync(file, "utf8"));
    const { xml } = await moddle.toXML(first.rootElement, { format: true });
    const second = await moddle.fromXML(xml);
    const warnings = [...first.warnings, ...second.warnings];
    for (const warning of warnings) console.error(`${file}: ${warning.message}`);
    failed += warnings.length ? 1 : 0;
  } catch (error) {
    console.error(`${file}: cannot be read: ${error.message}`);
    failed += 1;
  }
}
if (failed) {
  console.error(`${failed} file(s) would open in Camunda Modeler with warnings`);
  process.exit(1);
}
console.log(`${process.argv.length - 2} file(s) open and save without warnings`);
