"""Turn a Trace into cycles, latency, energy and memory for a device. Pure: no Unicorn here."""
