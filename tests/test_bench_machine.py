"""The benchmarks' machine line and AVX2 mode: a figure must say which CPU path made it.

``benchmarks/machine.py`` is run as the benchmarks run it (a script, in child processes),
because ``--isa avx2`` only works when it acts before torch is imported.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

_PROBE = """
import json, sys
sys.path.insert(0, {benchmarks!r})
import machine
machine.apply_isa({isa!r})
if {child!r}:
    import os, subprocess
    # the CPUID mask acts from a process's start: ask a child, as the benchmarks do, without
    # torch's own variable, so only the mask can make it choose AVX2
    env = {{k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}}
    code = "import json, torch; print(json.dumps(torch.backends.cpu.get_cpu_capability()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    print(json.dumps({{"child_aten": json.loads(out)}}))
import torch
print(json.dumps({{"aten": torch.backends.cpu.get_cpu_capability(),
                  "line": machine.machine_line()}}))
"""


def _machine() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_machine", BENCHMARKS / "machine.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _probe(isa: str, *, child: bool = False) -> list[dict[str, str]]:
    code = _PROBE.format(benchmarks=str(BENCHMARKS), isa=isa, child=child)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_machine_line_names_the_cpu_flags_and_what_was_set() -> None:
    machine = _machine()
    info = machine.machine_info()
    line = machine.machine_line(info)
    assert line.startswith("machine: ")
    for flag in info["flags"]:
        assert flag in line
    if Path("/proc/cpuinfo").is_file():
        assert "avx2" in info["flags"] or "sse2" not in machine.cpu_flags(everything=True)
    assert ("ISA variables: none" in line) == (not info["isa_variables"])


def test_isa_refused_once_torch_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    machine = _machine()
    monkeypatch.setitem(sys.modules, "torch", ModuleType("torch"))
    with pytest.raises(RuntimeError, match="before torch"):
        machine.apply_isa("avx2")


@pytest.mark.slow
def test_avx2_mode_makes_torch_pick_avx2_kernels_and_says_so() -> None:
    (result,) = _probe("avx2")
    assert result["aten"] == "AVX2"
    for name, value in _machine().ISA_VARIABLES.items():
        assert f"{name}={value}" in result["line"]


@pytest.mark.slow
def test_cpuid_mask_hides_avx512_from_child_processes() -> None:
    machine = _machine()
    flags = machine.cpu_flags()
    if "avx512f" not in flags:
        pytest.skip("this CPU has no AVX-512 to hide")
    if machine.cpuid_mask_library() is None:
        pytest.skip("no C compiler or no CPUID faulting here: ONNX Runtime cannot be limited")
    child, parent = _probe("avx2", child=True)
    assert child["child_aten"] == "AVX2"
    assert "CPUID mask: on" in parent["line"]
