"""Run firmware ELFs in Unicorn with native tracing. Knows ISAs and memory maps, never timing or power.

Modules, one concept each:
    loader        ELF checks, segments at their load address, reset state, symbols, image sizes
    engine        Simulator / simulate: memory mapping, runs from reset, faults, Trace
    native        finds, builds if needed and loads the C tracer (_tracer.c) with ctypes
    _tracer.c     the hooks: blocks, budget, regions, memory, caches, divisions, region markers, the heap
                  break (sbrk), idle loops
    semihosting   the firmware's host: console, files, clock, exit (ARM BKPT 0xAB, RISC-V slli/ebreak/srai)
    host_files    the host files semihosting may reach: one directory, no way out
    divisions     division sites found by scanning the code, hooked one by one
    static_reads  loads of the data RAM counted from decoded blocks instead of hooked
    regions       per-context counters rolled up into whole-run and inclusive per-region figures
"""
