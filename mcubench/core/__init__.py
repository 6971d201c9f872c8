"""The ground floor: records every stage shares, importing no stage.

Device descriptions, memory maps, cache geometry, the results record, the error tree and atomic file
writes live here so that simulator, cost_models, firmware, benchmarks and reports can all use them
without importing one another (the layers are an import-linter contract in pyproject.toml).
"""
