"""Run firmware ELFs in Unicorn with native tracing. Knows ISAs and memory maps, never timing or power."""
