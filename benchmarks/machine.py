"""Which machine a benchmark figure comes from, and an AVX2 mode that emulates a common laptop.

Every benchmark prints :func:`machine_line` and stores :func:`machine_info` in its JSON:
the CPU's vector flags (avx2, avx512*, amx*, vnni, bf16), the kernels torch chose (ATen's
capability, MKL, oneDNN, the int8 engine), ONNX Runtime's providers, and which ISA variables
were set.

``--isa avx2`` (:func:`apply_isa`) must run before torch is imported. It sets

* ``ATEN_CPU_CAPABILITY=avx2`` (torch's own vector kernels),
* ``ONEDNN_MAX_CPU_ISA=AVX2`` (oneDNN: convolutions, some matrix products),
* ``MKL_ENABLE_INSTRUCTIONS=AVX2`` (MKL: float32 matrix products),
* ``FBGEMM_ENABLE_INSTRUCTIONS=AVX2`` (fbgemm: torch's int8 matrix products),

in ``os.environ``, so child processes (the model process, benchmark workers) inherit them.
ONNX Runtime has no such variable (its MLAS kernels read CPUID directly; checked in the
1.32 binary: the only ISA switch is for mixture-of-experts layers). Its equivalent here is a
CPUID mask: ``avx2_cpuid.c`` beside this file, compiled once with the system's C compiler and
put in ``LD_PRELOAD`` for the children, makes CPUID fault (Linux ``ARCH_SET_CPUID``, the
``cpuid_fault`` flag) and answers with the AVX-512, VNNI, AMX and bf16 bits cleared. Every
library then sees an AVX2 CPU. Without a compiler, or off Linux, ONNX Runtime keeps its best
kernels and the line says so.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CPUID_MASK_SOURCE = HERE / "avx2_cpuid.c"
CPUID_MASK_LIBRARY = HERE / ".cache" / "avx2_cpuid.so"

#: The variables that pick each library's instruction set, and their AVX2 values.
ISA_VARIABLES = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "FBGEMM_ENABLE_INSTRUCTIONS": "AVX2",
}

_INTERESTING = ("avx2", "fma", "f16c", "avx512", "amx", "vnni", "bf16")


def add_isa_argument(parser: Any) -> None:
    parser.add_argument(
        "--isa",
        choices=("native", "avx2", "avx2-variables"),
        default="native",
        help="avx2: emulate an AVX2-only laptop CPU (set before torch is imported); "
        "avx2-variables: the four variables without the CPUID mask",
    )


def apply_isa(isa: str) -> None:
    """Limit torch, MKL, oneDNN, fbgemm (and, through the CPUID mask, ONNX Runtime) to ``isa``
    in this process's environment. Call before torch is imported."""
    if isa == "native":
        return
    if isa not in ("avx2", "avx2-variables"):
        raise ValueError(f"unknown ISA {isa}")
    if "torch" in sys.modules:
        raise RuntimeError("--isa must be applied before torch is imported")
    os.environ.update(ISA_VARIABLES)
    library = cpuid_mask_library() if isa == "avx2" else None
    if library is not None:
        preload = os.environ.get("LD_PRELOAD", "")
        if str(library) not in preload.split(":"):
            os.environ["LD_PRELOAD"] = ":".join(p for p in (str(library), preload) if p)


def cpuid_mask_library() -> Path | None:
    """The compiled CPUID mask, built on first use; None where it cannot work."""
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None
    if "cpuid_fault" not in cpu_flags(everything=True):
        return None
    source = CPUID_MASK_SOURCE
    library = CPUID_MASK_LIBRARY
    if library.is_file() and library.stat().st_mtime >= source.stat().st_mtime:
        return library
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    library.parent.mkdir(parents=True, exist_ok=True)
    built = subprocess.run(
        [compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(source)],
        capture_output=True,
        check=False,
    )
    return library if built.returncode == 0 else None


def flush_denormals() -> bool:
    """Random weights produce denormal numbers that real weights do not; flushing them keeps
    a random-weight benchmark from measuring that artifact. Returns whether it worked."""
    import torch

    return bool(torch.set_flush_denormal(True))


def cpu_flags(*, everything: bool = False) -> list[str]:
    """The CPU's vector flags (all flags with ``everything``), as this process sees them."""
    flags: list[str] = []
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    flags = line.split(":", 1)[1].split()
                    break
    except OSError:
        flags = _sysctl_flags()
    if everything:
        return flags
    return sorted({f for f in flags if any(k in f for k in _INTERESTING)})


def _sysctl_flags() -> list[str]:
    """macOS: the CPU features sysctl reports (Intel), or the Arm features."""
    names = ["machdep.cpu.features", "machdep.cpu.leaf7_features"]
    out = subprocess.run(
        ["sysctl", "-n", *names], capture_output=True, text=True, check=False
    ).stdout
    return [f.lower().replace(".", "_") for f in out.split()]


def kernels() -> dict[str, Any]:
    """What torch and ONNX Runtime chose in this process; a library the benchmark did not
    import is reported as unused rather than imported for the report."""
    info: dict[str, Any] = {"torch": None, "onnxruntime": None}
    if "torch" in sys.modules:
        import torch

        info["torch"] = torch.__version__
        info["aten"] = torch.backends.cpu.get_cpu_capability()
        info["mkl"] = torch.backends.mkl.is_available()
        info["onednn"] = torch.backends.mkldnn.is_available()
        info["int8_engine"] = torch.backends.quantized.engine
        info["threads"] = torch.get_num_threads()
    if "onnxruntime" in sys.modules:
        import onnxruntime

        info["onnxruntime"] = onnxruntime.__version__
        info["ort_providers"] = onnxruntime.get_available_providers()
    return info


def machine_info() -> dict[str, Any]:
    """Everything :func:`machine_line` says, as JSON-ready data."""
    preload = os.environ.get("LD_PRELOAD", "")
    return {
        "cpu": _cpu_name(),
        "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "flags": cpu_flags(),
        "isa_variables": {k: os.environ[k] for k in ISA_VARIABLES if k in os.environ},
        "cpuid_mask": str(CPUID_MASK_LIBRARY) in preload.split(":"),
        "kernels": kernels(),
        "python": platform.python_version(),
    }


def machine_line(info: dict[str, Any] | None = None) -> str:
    """One line: ``machine: <cpu>, N cores; flags ...; torch ...; ort ...; set ...``."""
    info = info or machine_info()
    k = info["kernels"]
    flags = " ".join(info["flags"]) or "unknown"
    torch_part = (
        f"torch {k['torch']} aten={k['aten']} mkl={k['mkl']} onednn={k['onednn']} "
        f"int8={k['int8_engine']}"
        if k.get("torch")
        else "torch not used"
    )
    ort_part = (
        f"onnxruntime {k['onnxruntime']} {','.join(k['ort_providers'])}"
        if k.get("onnxruntime")
        else "onnxruntime not used"
    )
    variables = " ".join(f"{n}={v}" for n, v in info["isa_variables"].items()) or "none"
    mask = "on" if info["cpuid_mask"] else "off"
    return (
        f"machine: {info['cpu']}, {info['cores']} cores; flags: {flags}; {torch_part}; "
        f"{ort_part}; ISA variables: {variables}; CPUID mask: {mask}"
    )


def stamp(result: dict[str, Any]) -> dict[str, Any]:
    """Print the machine line and add it to a benchmark's JSON result (returned)."""
    info = machine_info()
    print(machine_line(info))
    result["machine"] = info
    return result


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    import argparse

    cli = argparse.ArgumentParser(description="Print this machine's line.")
    add_isa_argument(cli)
    apply_isa(cli.parse_known_args()[0].isa)
    if os.environ.get("LD_PRELOAD") and "--child" not in sys.argv:
        # the CPUID mask only acts from a process's start: show what a child sees
        raise SystemExit(subprocess.call([sys.executable, __file__, "--child"]))
    import torch  # noqa: F401  (to show the kernels it picks)

    print(machine_line())
