"""A container's memory high-water mark, read from its memory cgroup (v1 or v2)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

MEMORY_SAMPLE_S = 0.2
MIB = 1024 * 1024


def memory_cgroup(pid: int) -> Path:
    """The memory cgroup directory of process `pid`: cgroup v1's memory hierarchy, else the v2 one."""
    lines = Path(f"/proc/{pid}/cgroup").read_text(encoding="utf-8").splitlines()
    for line in lines:
        _number, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return Path("/sys/fs/cgroup/memory") / path.lstrip("/")
    (unified,) = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
    return Path("/sys/fs/cgroup") / unified.lstrip("/")


class PeakMemory:
    """The container's memory high-water mark over a span: the cgroup's own peak (page cache included),
    reset at the start where the kernel allows it, and the largest anonymous memory sampled meanwhile."""

    def __init__(self, cgroup: Path) -> None:
        self._cgroup = cgroup
        self._v1 = (cgroup / "memory.max_usage_in_bytes").exists()
        self._anon_peak = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._peak_file = None if self._v1 else (cgroup / "memory.peak").open("r+", encoding="ascii")
        self.reset = self._reset()

    def _reset(self) -> bool:
        try:
            if self._v1:
                (self._cgroup / "memory.max_usage_in_bytes").write_text("0", encoding="ascii")
            else:
                assert self._peak_file is not None
                self._peak_file.write("reset\n")  # Linux 6.12+: resets the peak seen through this descriptor
                self._peak_file.flush()
            return True
        except OSError:
            return False

    def _anon(self) -> int:
        stat = dict(line.split() for line in (self._cgroup / "memory.stat").read_text(encoding="ascii").splitlines())
        keys = ("total_rss", "total_shmem") if self._v1 else ("anon", "shmem")
        return sum(int(stat.get(key, 0)) for key in keys)

    def _sample(self) -> None:
        while not self._stop.wait(MEMORY_SAMPLE_S):
            with contextlib.suppress(OSError, ValueError):
                self._anon_peak = max(self._anon_peak, self._anon())

    def __enter__(self) -> PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()
        if self._v1:
            self.peak = int((self._cgroup / "memory.max_usage_in_bytes").read_text(encoding="ascii"))
        else:
            assert self._peak_file is not None
            self._peak_file.seek(0)
            self.peak = int(self._peak_file.read())
            self._peak_file.close()

    def describe(self) -> str:
        span = "during the analysis" if self.reset else "since the container started"
        return (
            f"{self.peak / MIB:.0f} MiB peak {span} (cgroup high-water mark, page cache included), "
            f"{self._anon_peak / MIB:.0f} MiB anonymous at most (sampled every {MEMORY_SAMPLE_S:g} s)"
        )
