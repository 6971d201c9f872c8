"""Turn a Trace into cycles, latency, energy and memory for a device. Pure: no Unicorn here."""

from .estimate import Estimate, RegionEstimate, estimate
from .options import simulation_options
from .power import duty_cycle

__all__ = ["Estimate", "RegionEstimate", "estimate", "simulation_options", "duty_cycle"]
