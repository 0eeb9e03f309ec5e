"""What the service checks in a diagram before it accepts a deployment.

`check_document` reads the XML of every executable process before SpiffWorkflow parses
it and refuses, element by element, what the runtime does not run (or would run
differently from Camunda 7), and every expression or script outside the whitelist of
processes.expressions. Reading the XML gives exact element ids, names and lines, finds
every problem of a diagram at once, and keeps diagrams away from SpiffWorkflow's parser
where it would fail with a bare KeyError or hang (data objects two scopes up).

`check_process` looks at the parsed specs again as a second net.

Modules: `elements` (BPMN vocabulary, lxml helpers), `walker` (shared state of one
process), `document` (the document and the walk), and one module of `_on_<element>`
checks each for `events`, `tasks`, `loops`, `flows` and `data`; `specs` is the second net.
"""

from processes.checks.document import check_document, check_executable, executable_processes
from processes.checks.specs import check_process, check_task_spec

__all__ = [
    "check_document",
    "check_executable",
    "check_process",
    "check_task_spec",
    "executable_processes",
]
