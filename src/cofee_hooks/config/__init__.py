"""Configuration: the schema with its defaults, loading from YAML, and a fast cache.

`schema` is pure and imports only the standard library. `loader` reads
`.claude/cofee-hooks.yaml` with PyYAML, for commands a person runs. `fast`
serves hooks from a cached copy so that the hot path never imports PyYAML.
"""
