"""Static arena plan: every activation buffer gets an offset in one array, by lifetime.

Buffers whose lifetimes overlap never overlap in memory; the rest reuse space. Placement is greedy,
largest buffer first, each at the lowest offset that fits (the strategy of TFLM's greedy planner). A
RESHAPE output is the same buffer as its input; an element-wise op may write over an input that dies
there. The model input is not in the arena: it has its own buffer the simulator writes before a run.
"""

from dataclasses import dataclass, field

ALIGN = 16


def _align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


@dataclass
class Buffer:
    id: int
    nbytes: int
    first: int  # step index of the first writer
    last: int  # step index of the last reader
    tensors: list = field(default_factory=list)
    offset: int = -1
    kind: str = "activation"  # "activation", "scratch" or "input"


@dataclass
class Plan:
    buffers: list
    tensor_buffer: dict  # tensor index -> Buffer
    arena_bytes: int
    lower_bound_bytes: int
    input_bytes: int

    def location(self, tensor_index):
        """('input', 0) or ('arena', offset) of a tensor."""
        buf = self.tensor_buffer[tensor_index]
        return ("input", 0) if buf.kind == "input" else ("arena", buf.offset)

    def to_dict(self):
        return {
            "arena_bytes": self.arena_bytes,
            "arena_lower_bound_bytes": self.lower_bound_bytes,
            "input_bytes": self.input_bytes,
            "buffers": [{"kind": b.kind, "offset": b.offset, "bytes": b.nbytes, "first_step": b.first,
                         "last_step": b.last, "tensors": b.tensors} for b in self.buffers if b.kind != "input"],
        }


def _last_uses(graph, steps) -> dict:
    """tensor -> the last step that reads it (the model's outputs: past the last step)."""
    last_use = {}
    for s, step in enumerate(steps):
        for t in step.inputs:
            last_use[t] = s
    for t in graph.outputs:
        last_use[t] = len(steps)
    return last_use


def _assign_buffers(graph, steps, last_use):
    """(buffers, tensor -> buffer): the input's own buffer, one per step output unless the step aliases
    its input (RESHAPE) or may overwrite an input read for the last time (in place), one per scratch."""
    tensor_buffer = {}
    buffers = []

    def new_buffer(nbytes, first, kind="activation"):
        buf = Buffer(len(buffers), nbytes, first, first, kind=kind)
        buffers.append(buf)
        return buf

    input_index = graph.inputs[0]
    inp = new_buffer(graph.tensors[input_index].nbytes, -1, kind="input")
    inp.tensors.append(input_index)
    tensor_buffer[input_index] = inp
    for s, step in enumerate(steps):
        for t in step.inputs:
            if t not in tensor_buffer:
                raise_missing(graph, step, t)
        out = step.output
        nbytes = graph.tensors[out].nbytes
        buf = None
        if step.alias:
            buf = tensor_buffer[step.inputs[0]]
        elif step.inplace:
            src = tensor_buffer[step.inputs[0]]
            if src.kind == "activation" and src.nbytes == nbytes and last_use.get(step.inputs[0]) == s:
                buf = src
        if buf is None:
            buf = new_buffer(nbytes, s)
        buf.tensors.append(out)
        tensor_buffer[out] = buf
        if step.scratch_bytes:
            scratch = new_buffer(step.scratch_bytes, s, kind="scratch")
            step.scratch_buffer = scratch
    for t, buf in tensor_buffer.items():
        buf.last = max(buf.last, last_use.get(t, buf.first))
    return buffers, tensor_buffer


def _place(buffers) -> int:
    """Give each arena buffer an offset, largest first, in the lowest gap free while it lives: the arena size."""
    placed = []
    arena = 0
    for buf in sorted((b for b in buffers if b.kind != "input"), key=lambda b: (-b.nbytes, b.first)):
        size = _align(buf.nbytes)
        offset = 0
        for other in sorted((o for o in placed if o.first <= buf.last and buf.first <= o.last),
                            key=lambda o: o.offset):
            if offset + size <= other.offset:
                break
            offset = max(offset, other.offset + _align(other.nbytes))
        buf.offset = offset
        placed.append(buf)
        arena = max(arena, offset + size)
    return arena


def _live_peak(buffers, n_steps) -> int:
    """The most arena bytes live at one step: no placement can use less."""
    lower_bound = 0
    for s in range(n_steps):
        live = sum(b.nbytes for b in buffers if b.kind != "input" and b.first <= s <= b.last)
        lower_bound = max(lower_bound, live)
    return lower_bound


def plan_arena(graph, steps) -> Plan:
    buffers, tensor_buffer = _assign_buffers(graph, steps, _last_uses(graph, steps))
    arena = _place(buffers)
    return Plan(buffers, tensor_buffer, arena, _live_peak(buffers, len(steps)), buffers[0].nbytes)


def raise_missing(graph, step, t):
    from mcubench.core.errors import ModelError
    if graph.tensors[t].data is not None:
        raise ModelError(f"layer {step.index} ({step.op}): a constant tensor as the main input is not supported")
    raise ModelError(f"layer {step.index} ({step.op}): reads tensor {t} that no earlier layer writes "
                     "(models with several inputs are not supported)")
