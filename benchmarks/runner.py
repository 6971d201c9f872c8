"""The benchmark runner: every model of a suite on every device, measured and scored on the simulator.

For each model x device: build the firmware (cached by content hash), run one inference with full tracing
for the cost model (on the first test sample, or a fixed-seed random input when there is no data set),
then run the whole test set through the simulated firmware without memory tracing to score accuracy and
compare each output with the TFLite reference interpreter.
"""

from dataclasses import dataclass
import logging
import time

import numpy as np

from mcubench.benchmarks.records import make_results, model_row
from mcubench.core.results import Accuracy, Failure, ResultRow

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """Receives (done, total, label) as samples are simulated; the CLI draws a bar on a terminal."""

    callback: object = None
    total: int = 0
    done: int = 0

    def advance(self, label, n=1):
        self.done += n
        if self.callback:
            self.callback(self.done, self.total, label)


# The seed of the random input when none is given: runs of the same model repeat exactly.
DEFAULT_SEED = 0


def random_input(fw, seed=DEFAULT_SEED):
    """A reproducible input for models without a data set: integers over the input type's whole range,
    or, for a float input, standard normal values."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(fw.input.dtype)
    if np.issubdtype(dtype, np.floating):
        return rng.standard_normal(size=fw.input.shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max + 1, size=fw.input.shape, dtype=np.int64).astype(dtype)


def instruction_budget(fw) -> int:
    """A run's instruction limit: a fixed floor plus room for the slowest kernels, 400 instructions per MAC
    and 4000 per output element (a software-float multiply-add takes about 100 instructions on RV32IMC, an
    expf some 400)."""
    elements = sum(int(np.prod(layer.output_shape)) for layer in fw.layers)
    return 200_000_000 + 400 * sum(layer.macs for layer in fw.layers) + 4000 * elements


class ModelOnDevice:
    """One firmware loaded in two simulators: a traced one for cost, a fast one for many samples."""

    def __init__(self, model_path, device, variant=None):
        from mcubench.firmware import compile_model
        from mcubench.simulator.engine import Simulator
        from mcubench.cost_models import simulation_options

        self.device = device
        self.fw = compile_model(model_path, device, variant=variant)
        self.budget = instruction_budget(self.fw)
        self._traced = Simulator(self.fw.elf_path, device, budget_instructions=self.budget,
                                 **simulation_options(device))
        self._fast = None
        self._simulator_class = Simulator

    def _io(self, x):
        data = np.ascontiguousarray(x, dtype=self.fw.input.dtype).tobytes()
        if len(data) != self.fw.input.nbytes:
            from mcubench.core.errors import SuiteError
            raise SuiteError(f"input has {len(data)} bytes, model {self.fw.model_name} expects {self.fw.input.nbytes}")
        writes = {self.fw.input.address: data}
        reads = {"output": (self.fw.output.address, self.fw.output.nbytes)}
        return writes, reads

    def _output(self, result):
        return np.frombuffer(result.reads["output"], dtype=self.fw.output.dtype).reshape(self.fw.output.shape)

    def measure(self, x):
        """Run one traced inference: (Trace, output array)."""
        writes, reads = self._io(x)
        result = self._traced.run(writes=writes, reads=reads)
        return result.trace, self._output(result)

    def infer(self, x):
        """Run one untraced inference (for accuracy): output array."""
        if self._fast is None:
            self._fast = self._simulator_class(self.fw.elf_path, self.device, memory_tracing=False,
                                               budget_instructions=self.budget)
        writes, reads = self._io(x)
        return self._output(self._fast.run(writes=writes, reads=reads))


def _test_set(model, max_samples):
    """(x, y) of the model's data set, at most max_samples of them, or None without a data set."""
    dataset = model.load_dataset()
    if dataset is None:
        return None
    xs, ys = dataset
    return (xs[:max_samples], ys[:max_samples]) if max_samples else (xs, ys)


def benchmark_one(model, device, test_set, references, *, progress=None, clock_mhz=None, voltage_v=None):
    """Measure one suite model on one device: a ResultRow.

    test_set: (x, y) or None; references: the TFLite Micro outputs for x (they do not depend on the device,
    so the caller computes them once per model).
    """
    from mcubench.cost_models import estimate
    from mcubench.benchmarks.reference import outputs_agree
    from mcubench.benchmarks.suite import score

    mod = ModelOnDevice(model.file, device)
    fw = mod.fw
    xs, ys = test_set if test_set is not None else (None, None)
    first = xs[0] if xs is not None else random_input(fw, DEFAULT_SEED)

    trace, _ = mod.measure(first)
    est = estimate(trace, device, clock_mhz=clock_mhz, voltage_v=voltage_v)
    if progress:
        progress.advance(f"{model.name} on {device.name}: traced run")

    accuracy = None
    wall_per_sample = 0.0
    if xs is not None:
        start = time.perf_counter()
        outputs = []
        for x in xs:
            outputs.append(mod.infer(x))
            if progress:
                progress.advance(f"{model.name} on {device.name}: samples")
        wall_per_sample = (time.perf_counter() - start) / len(xs)
        outputs = np.stack(outputs)
        agree = float(np.mean([outputs_agree(o, r) for o, r in zip(outputs, references)]))
        value = score(model.metric, outputs, ys, model_output_quant=_quantization(fw.output),
                      inputs=xs, model_input_quant=_quantization(fw.input))
        accuracy = Accuracy(model.metric, float(value), int(len(xs)), float(agree))

    row = model_row(model.name, model.title, model.file, fw, device, est, accuracy=accuracy,
                    sim_wall_s_per_sample=wall_per_sample, input_kind="test-set" if xs is not None else "random",
                    input_seed=None if xs is not None else DEFAULT_SEED)
    row.variant, row.variant_of = model.variant, model.variant_of
    return row


def _quantization(tensor):
    """(scale, zero point) that give a tensor's real values; a float tensor holds them as they are."""
    return (tensor.scale, tensor.zero_point) if np.issubdtype(np.dtype(tensor.dtype), np.integer) else (1.0, 0)


def prepare_model(model, max_samples):
    """What every device's run of a model shares: its test set (x, y) and the reference outputs for it.

    max_samples=0 is the fast mode of search loops: no test set, no reference interpreter, figures for one
    fixed-seed random input.
    """
    from mcubench.benchmarks.reference import interpreter_outputs

    if max_samples == 0:
        return None, None
    test_set = _test_set(model, max_samples)
    references = interpreter_outputs(model.file, test_set[0]) if test_set else None
    return test_set, references


# Errors that make one model x device pair unmeasurable without saying anything about the others.
def _failure_kind(exc):
    from mcubench.core.errors import BuildError, FitError, ModelError, SimulationError

    for cls, kind in ((FitError, "does-not-fit"), (ModelError, "unsupported-model"), (BuildError, "build-failed"),
                      (SimulationError, "simulation-failed")):
        if isinstance(exc, cls):
            return kind
    return None


def measure_pair(model, device, prepared, *, clock_mhz=None, voltage_v=None, progress=None):
    """benchmark_one, or a Failure row when this pair cannot be measured (the run goes on)."""
    test_set, references = prepared
    try:
        row = benchmark_one(model, device, test_set, references, progress=progress, clock_mhz=clock_mhz,
                            voltage_v=voltage_v)
    except Exception as exc:
        failure = failure_row(model, device, exc)
        if failure is None:
            raise
        log.info("%s on %s: not measured (%s): %s", model.name, device.name, failure.kind, failure.message)
        return failure
    log.info("%s on %s: %d cycles, %.3f ms", model.name, device.name, row.cycles, row.latency_ms)
    return row


def failure_row(model, device, exc):
    """The Failure record of an error that makes this pair unmeasurable, or None for any other error."""
    kind = _failure_kind(exc)
    if kind is None:
        return None
    shortfalls = [{"memory": m, "needed_bytes": int(n), "available_bytes": int(a)}
                  for m, n, a in getattr(exc, "shortfalls", ())]
    return Failure(model.name, model.title, device.name, device.title, kind, str(exc), shortfalls=shortfalls,
                   variant=model.variant, variant_of=model.variant_of)


def _pair_weight(prepared):
    """Progress units of one pair: the traced run plus one per test sample."""
    test_set = prepared[0]
    return 1 + (len(test_set[0]) if test_set is not None else 0)


def _measure_serial(suite, devices, max_samples, progress, options, cache):
    measured = {}
    for model in suite.models:
        prepared = prepare_model(model, max_samples)
        for device in devices:
            row = cache.get(model, device) if cache else None
            if row is None:
                row = measure_pair(model, device, prepared, progress=progress, **options)
                if cache:
                    cache.put(model, device, row)
            elif progress:
                progress.advance(f"{model.name} on {device.name} (resumed)", _pair_weight(prepared))
            measured[model.name, device.name] = row
    return measured


def _measure_on(executor, suite, devices, max_samples, progress, options, cache):
    """The work on a concurrent.futures executor (a local process pool or a Dask cluster's): each model's
    test set and references first, then its model x device pairs as soon as they are ready.

    Every result is keyed by (model, device), so the record does not depend on completion order. On
    Ctrl-C or an error the exception goes on; the caller stops its executor.
    """
    import concurrent.futures as cf

    measured, weights, pending = {}, {}, {}
    for model in suite.models:
        pending[executor.submit(prepare_model, model, max_samples)] = ("prepare", model)
    while pending:
        # A short timeout, so that the main thread runs Python's signal handlers: Ctrl-C may be delivered to
        # one of the pool's threads, and a main thread blocked in wait() would not see it until the next
        # pair finishes (minutes in a large sweep).
        done, _ = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
        for future in done:
            what, subject = pending.pop(future)
            if what == "prepare":
                prepared = future.result()
                for device in devices:
                    weights[subject.name, device.name] = _pair_weight(prepared)
                    cached = cache.get(subject, device) if cache else None
                    if cached is not None:
                        measured[subject.name, device.name] = cached
                        if progress:
                            progress.advance(f"{subject.name} on {device.name} (resumed)",
                                             weights[subject.name, device.name])
                        continue
                    pending[executor.submit(measure_pair, subject, device, prepared, **options)] = \
                        ("pair", (subject, device))
            else:
                model, device = subject
                measured[model.name, device.name] = future.result()
                if cache:
                    cache.put(model, device, measured[model.name, device.name])
                if progress:
                    progress.advance(f"{model.name} on {device.name}", weights[model.name, device.name])
    return measured


def _ignore_sigint():
    """Workers leave Ctrl-C to the parent, which stops them: a terminal sends SIGINT to every process of
    the job, and a worker's own KeyboardInterrupt would only print a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _local_pool(jobs):
    """A pool of `jobs` processes started with 'spawn' (a fresh interpreter each: Unicorn and ctypes state
    is never forked), whose workers are stopped at once when the run is abandoned."""
    import concurrent.futures as cf
    import multiprocessing

    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_ignore_sigint)


def _stop_pool(pool):
    # shutdown forgets the worker processes, so take them first.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # Work still queued for the workers is abandoned: the queue's feeder thread must not hold up the exit
    # waiting to hand it to workers that are gone (multiprocessing.Queue.cancel_join_thread).
    call_queue = getattr(pool, "_call_queue", None)
    if call_queue is not None:
        call_queue.cancel_join_thread()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _measure_parallel(suite, devices, max_samples, progress, options, jobs, cache):
    pool = _local_pool(jobs)
    try:
        measured = _measure_on(pool, suite, devices, max_samples, progress, options, cache)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown()
    return measured


def _measure_on_cluster(address, suite, devices, max_samples, progress, options, cache):
    """The same work on an existing Dask cluster (`pip install mcubench[cluster]`). A task whose worker dies
    is run again on another worker (Dask reschedules it), so the record is the same."""
    from mcubench.core.errors import UsageError

    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs dask.distributed: pip install 'mcubench[cluster]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"--scheduler {address}: cannot connect ({exc})") from None
    executor = client.get_executor(pure=False)
    try:
        return _measure_on(executor, suite, devices, max_samples, progress, options, cache)
    except BaseException:
        executor.shutdown(wait=False)  # cancels the tasks not yet done on the cluster
        raise
    finally:
        client.close()


def run_suite(suite, devices, *, max_samples=None, progress_callback=None, clock_mhz=None, voltage_v=None,
              jobs=1, scheduler=None, resume=False):
    """Every model of the suite on every device: a Results record.

    jobs > 1 spreads the reference interpreter runs and the model x device measurements over that many
    processes; scheduler (a Dask scheduler address) runs them on that cluster instead. The record is the
    same either way (apart from wall-clock fields). Pairs that cannot be measured (a model that does not
    fit, an unsupported op) are listed in Results.failures. resume=True keeps each measured pair in the
    pair cache (benchmarks/pair_cache.py) and takes pairs already there, so an interrupted sweep goes on
    where it stopped.
    """
    from mcubench.benchmarks.pair_cache import PairCache

    if max_samples == 0:
        total = len(suite.models) * len(devices)
    else:
        sizes = [len(t[0]) if t else 0 for t in (_test_set(m, max_samples) for m in suite.models)]
        total = sum(n + 1 for n in sizes) * len(devices)
    progress = Progress(progress_callback, total)
    options = {"clock_mhz": clock_mhz, "voltage_v": voltage_v}
    cache = PairCache(max_samples=max_samples, **options) if resume else None
    if scheduler:
        measured = _measure_on_cluster(scheduler, suite, devices, max_samples, progress, options, cache)
    elif jobs > 1 and len(suite.models) * len(devices) > 1:
        measured = _measure_parallel(suite, devices, max_samples, progress, options, jobs, cache)
    else:
        measured = _measure_serial(suite, devices, max_samples, progress, options, cache)
    ordered = [measured[m.name, d.name] for m in suite.models for d in devices]
    return make_results(suite.name, [r for r in ordered if isinstance(r, ResultRow)], devices,
                        failures=[r for r in ordered if isinstance(r, Failure)])
