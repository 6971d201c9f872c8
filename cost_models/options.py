"""simulation_options(device): what the simulator must record for this device's cost model."""

from mcubench.core.caches import CacheConfig


def cache_configs(device):
    """CacheConfig models of the device's caches (ART accelerator, Cortex-M7 L1, ESP flash caches)."""
    configs = []
    for cache in device.caches:
        ranges = [(a.base, a.end) for a in (device.memory_map.by_name(n) for n in cache.areas)]
        configs.append(CacheConfig(
            name=cache.name, size_bytes=cache.size_bytes, line_bytes=cache.line_bytes, ways=cache.ways,
            ranges=ranges, fetch=cache.fetches, read=cache.reads,
            # Flash caches are read-only; only a data cache over RAM sees (and may allocate on) writes.
            write=cache.reads and cache.write_allocate, write_allocate=cache.write_allocate,
        ))
    return configs


def simulation_options(device) -> dict:
    """Keyword arguments for simulator.engine.Simulator: memory tracing on, and the device's caches."""
    return {"memory_tracing": True, "caches": cache_configs(device)}
