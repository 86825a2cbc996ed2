"""What lives across the rebuilds of one `serve`: the marp-cli worker, the cell processes, a marp
compile running beside page rendering, and the last good build (a bad edit keeps it online)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from ..livecode.assets import figure_font_path
from ..marp.compile import BuiltDeck
from ..marp.worker import MarpWorker
from ..paths import Project
from ..run.execute import CellProcesses, PageOutputs


class ServeSession:
    """What lives across the rebuilds of one `serve` (and for the one build of `build`): the marp-cli
    worker, the cell processes, the marp compile running beside page rendering, the last good build."""

    def __init__(self, serving: bool) -> None:
        self.serving = serving
        self.marp_worker: MarpWorker | None = None  # one marp-cli process for every rebuild
        self.cell_processes: CellProcesses | None = None  # cells run here; kept warm in serve
        self.compiler: ThreadPoolExecutor | None = None  # marp-cli at work while pages render
        self.compiling: Future[list[BuiltDeck]] | None = None
        self.last_good: list[BuiltDeck] | None = None  # a bad edit keeps the last good decks online
        self.last_outputs: dict[str, PageOutputs] = {}  # … and the last good cell outputs

    def marp_for(self, project: Project) -> MarpWorker | None:
        """The long-lived marp-cli in serve (started again if it died or the project changed)."""
        if not self.serving:
            return None
        if self.marp_worker is None or not self.marp_worker.alive() or self.marp_worker.project != project:
            self.marp_worker = MarpWorker(project)
        return self.marp_worker

    def cells_for(self, project: Project) -> CellProcesses:
        if self.cell_processes is None:
            self.cell_processes = CellProcesses(figure_font_path(project.runtime_cache))
        return self.cell_processes

    def cells_done(self) -> None:
        """After a build's cells ran: a build closes its processes, serve keeps one warm for the next edit."""
        if not self.serving and self.cell_processes is not None:
            self.cell_processes.close()
            self.cell_processes = None

    def compile_in_background(self, job: Any, *args: Any, **kwargs: Any) -> None:
        if self.compiler is None:
            self.compiler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slidesite-marp")
        self.compiling = self.compiler.submit(job, *args, **kwargs)

    def wait_for_compile(self) -> list[BuiltDeck] | None:
        """The decks of a compile started by compile_in_background (raises its error), or None."""
        future, self.compiling = self.compiling, None
        if future is None:
            return None
        self.last_good = future.result()
        return self.last_good

    def drop_stale_compile(self) -> None:
        """A rebuild that failed half-way left a compile running: wait for it and forget its outcome."""
        if self.compiling is not None:
            wait([self.compiling])
            self.compiling = None

    def close(self) -> None:
        if self.marp_worker is not None:
            self.marp_worker.stop()
            self.marp_worker = None
        if self.compiler is not None:
            self.compiler.shutdown(wait=True)
            self.compiler = None
        if self.cell_processes is not None:
            self.cell_processes.close()
            self.cell_processes = None
