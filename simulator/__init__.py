"""Run firmware ELFs in Unicorn with native tracing. Knows ISAs and memory maps, never timing or power.

Modules, one concept each:
    loader        ELF checks, segments at their load address, reset state, symbols, image sizes
    engine        Simulator / simulate: memory mapping, runs from reset, faults, Trace
    native        finds, builds if needed and loads the C tracer with ctypes; mirrors its contract
    _tracer.h     the C tracer's types and its contract with Python (counter layouts, error codes, flags)
    tracer_tables.c   hash tables of contexts and blocks, decoding a new block once (idle loops)
    tracer_cache.c    the cache model (set-associative, LRU)
    tracer_regions.c  the region stack and the marker page
    tracer_hooks.c    the hooks: blocks, budget, memory, divisions, conditional loads, the heap break
    tracer_api.c      set-up, reset and results, called with ctypes
    semihosting   the firmware's host: console, files, clock, exit (ARM BKPT 0xAB, RISC-V slli/ebreak/srai)
    host_files    the host files semihosting may reach: one directory, no way out
    divisions     division sites found by scanning the code, hooked one by one
    static_reads  loads of the data RAM counted from decoded blocks instead of hooked
    regions       per-context counters rolled up into whole-run and inclusive per-region figures
"""
