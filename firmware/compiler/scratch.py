"""Scratch bytes a layer's kernel variant needs in the arena (the portable kernels need none)."""


def scratch_bytes(kernels, step, graph) -> int:
    if kernels != "dsp":
        return 0
    return 0
