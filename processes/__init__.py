"""The workflow runtime: parse, deploy, run and persist BPMN processes."""
